#!/usr/bin/env bash
# One-shot topic creation for docker-compose: every `deploy` line of topics.conf (name, partitions, retention in
# hours), created if missing. Safe to run again; an existing topic is left as it is.
set -euo pipefail
topics_conf=${1:?usage: create-topics.sh <topics.conf>}
bootstrap=${KAFKA_BOOTSTRAP:-kafka:9092}

while read -r name partitions retention_hours scope _; do
  [[ -z "$name" || "$name" == \#* || "$scope" != deploy ]] && continue
  echo "topic $name: $partitions partitions, retention $retention_hours h"
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor 1 \
    --config "retention.ms=$((retention_hours * 3600 * 1000))"
done < "$topics_conf"
