#!/usr/bin/env bash
# Starts a KRaft broker as the official apache/kafka image does: every KAFKA_* variable becomes a property
# (KAFKA_LOG_DIRS → log.dirs; "___" → "-", "__" → "_"), CLUSTER_ID formats the storage the first time.
set -euo pipefail
config=/opt/kafka/config/server.properties
: > "$config"
while IFS='=' read -r name value; do
  [[ $name == KAFKA_* && $name != KAFKA_HEAP_OPTS && $name != KAFKA_OPTS ]] || continue
  key=$(printf '%s' "${name#KAFKA_}" | tr '[:upper:]' '[:lower:]' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
  printf '%s=%s\n' "$key" "$value" >> "$config"
done < <(env)
: "${CLUSTER_ID:?set CLUSTER_ID (any base64 UUID; it must stay the same)}"
/opt/kafka/bin/kafka-storage.sh format --cluster-id="$CLUSTER_ID" -c "$config" --ignore-formatted >/dev/null
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} ${KAFKA_OPTS:-} -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.xml \
  -cp '/opt/kafka/libs/*' kafka.Kafka "$config"
