#!/usr/bin/env bash
# Creates, as the admin user, what Tally needs on a broker: the topics of topics.conf, one SCRAM user per user of
# access.conf (its password set, or rotated, to the one given) and that user's ACLs, for the scopes named. Safe to
# run again: topics that exist are left as they are, users and ACLs are upserted. ./dev runs it after starting a
# broker, docker-compose as its kafka-setup job, the Testcontainers path in the broker's container; Kubernetes
# gets the same from Strimzi's KafkaTopics and KafkaUsers (k8s/base).
#
#   setup-broker.sh <bootstrap servers> <scope>…      (scopes: deploy, local)
#
# The admin's password comes from KAFKA_ADMIN_PASSWORD, a user's from TALLY_KAFKA_PASSWORD_<NAME> (tally-credits:
# TALLY_KAFKA_PASSWORD_CREDITS). KAFKA_BIN names Kafka's command-line tools (/opt/kafka/bin).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bootstrap=${1:?usage: setup-broker.sh <bootstrap servers> <scope>…}
shift
scopes=" $* "
: "${KAFKA_ADMIN_PASSWORD:?set KAFKA_ADMIN_PASSWORD}"
bin=${KAFKA_BIN:-/opt/kafka/bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
admin="$work/admin.properties"
(umask 077; cat > "$admin" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPERTIES
)

in_scope() { [[ $scopes == *" $1 "* ]]; }

# Each tool is a JVM start of a second or more: they run side by side, each logging to its own file, which is
# shown only when it fails.
pids=()
run() { # label tool args…
  local label=$1 tool=$2; shift 2
  "$bin/$tool" --bootstrap-server "$bootstrap" --command-config "$admin" "$@" > "$work/$label.log" 2>&1 &
  pids+=("$!:$label")
}
await_all() {
  local entry failed=0
  for entry in "${pids[@]}"; do
    wait "${entry%%:*}" || { echo "setup-broker: ${entry#*:} failed:" >&2; cat "$work/${entry#*:}.log" >&2; failed=1; }
  done
  pids=()
  return $failed
}

# --- Topics --------------------------------------------------------------------------------------------------
existing=$("$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --list)
while read -r name partitions retention_hours scope _; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  in_scope "$scope" || continue
  grep -qx "$name" <<<"$existing" && continue
  run "topic-$name" kafka-topics.sh --create --if-not-exists --topic "$name" --partitions "$partitions" \
    --replication-factor 1 --config "retention.ms=$((retention_hours * 3600 * 1000))"
done < "$here/topics.conf"
await_all

# --- Users and their ACLs ------------------------------------------------------------------------------------
declare -A writes reads groups
while read -r user may resource scope _; do
  [[ -z "$user" || "$user" == \#* ]] && continue
  in_scope "$scope" || continue
  case "$may:${resource%%:*}" in
    write:topic) writes[$user]+=" --topic ${resource#*:}" ;;
    read:topic) reads[$user]+=" --topic ${resource#*:}" ;;
    group:group) groups[$user]+=" --group ${resource#*:}" ;;
    *) echo "setup-broker: access.conf: cannot grant '$may' on '$resource'" >&2; exit 2 ;;
  esac
  : "${writes[$user]:=}" "${reads[$user]:=}" "${groups[$user]:=}"
done < "$here/access.conf"

for user in "${!writes[@]}"; do
  variable="TALLY_KAFKA_PASSWORD_$(tr '[:lower:]-' '[:upper:]_' <<<"${user#tally-}")"
  password=${!variable:-}
  [[ -n $password ]] || { echo "setup-broker: $variable is not set (the password of Kafka user $user)" >&2; exit 2; }
  # The password goes through a file, not the command line other processes can read.
  (umask 077; printf 'SCRAM-SHA-512=iterations=8192,password=%s\n' "$password" > "$work/$user.scram")
  run "user-$user" kafka-configs.sh --alter --entity-type users --entity-name "$user" --add-config-file "$work/$user.scram"
  # shellcheck disable=SC2086
  [[ -z ${writes[$user]} ]] || run "write-$user" kafka-acls.sh --add --allow-principal "User:$user" \
    --operation Write --operation Describe ${writes[$user]}
  # shellcheck disable=SC2086
  [[ -z ${reads[$user]} ]] || run "read-$user" kafka-acls.sh --add --allow-principal "User:$user" \
    --operation Read --operation Describe ${reads[$user]}
  # shellcheck disable=SC2086
  [[ -z ${groups[$user]} ]] || run "group-$user" kafka-acls.sh --add --allow-principal "User:$user" \
    --operation Read ${groups[$user]}
done
await_all
echo "setup-broker: topics, users (${!writes[*]}) and their ACLs are in place"
