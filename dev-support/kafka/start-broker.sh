#!/usr/bin/env bash
# Starts the single-node KRaft broker of server.properties with authentication and ACLs: ./dev runs it on this
# machine, docker-compose and the Testcontainers path in the Kafka image (official or local). The storage is
# formatted on the first start, with the admin user's SCRAM credential (the one user that must exist before the
# broker can authenticate anybody); setup-broker.sh then creates the topics, the services' users and their ACLs.
#
# Environment (defaults suit a container named `kafka`):
#   KAFKA_ADMIN_PASSWORD   required; the admin (super) user's password
#   KAFKA_ADVERTISED       host:port clients are told to connect to      (kafka:9092)
#   KAFKA_LISTEN_HOST      interface of the client listener              (0.0.0.0)
#   KAFKA_PORT             port of the client listener                   (9092)
#   KAFKA_CONTROLLER_PORT  loopback port of the controller listener      (9093)
#   KAFKA_DATA_DIR         log directory                                 (/var/lib/kafka/data)
#   KAFKA_CONFIG_DIR       where server.properties and admin.properties go, readable by this user only
#                          (/tmp/kafka-config)
#   KAFKA_BIN              Kafka's command-line tools                     (/opt/kafka/bin)
#   CLUSTER_ID             the storage's cluster id on first format      (a random one)
#   KAFKA_SETUP_SCOPES     when set, run setup-broker.sh for these scopes once the broker listens
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${KAFKA_ADMIN_PASSWORD:?set KAFKA_ADMIN_PASSWORD}"
[[ $KAFKA_ADMIN_PASSWORD =~ ^[A-Za-z0-9_-]+$ ]] || { echo "KAFKA_ADMIN_PASSWORD: letters, digits, - and _ only" >&2; exit 2; }
port=${KAFKA_PORT:-9092}
advertised=${KAFKA_ADVERTISED:-kafka:$port}
config_dir=${KAFKA_CONFIG_DIR:-/tmp/kafka-config}
data_dir=${KAFKA_DATA_DIR:-/var/lib/kafka/data}
bin=${KAFKA_BIN:-/opt/kafka/bin}

umask 077
mkdir -p "$config_dir" "$data_dir"
sed -e "s#@LISTEN_HOST@#${KAFKA_LISTEN_HOST:-0.0.0.0}#g" -e "s#@BROKER_PORT@#$port#g" \
    -e "s#@ADVERTISED_HOST@#${advertised%:*}#g" -e "s#@ADVERTISED_PORT@#${advertised##*:}#g" \
    -e "s#@CONTROLLER_PORT@#${KAFKA_CONTROLLER_PORT:-9093}#g" -e "s#@DATA@#$data_dir#g" \
    -e "s#@ADMIN_PASSWORD@#$KAFKA_ADMIN_PASSWORD#g" "$here/server.properties" > "$config_dir/server.properties"
# The admin's client settings, for health checks on this host (or in this container).
cat > "$config_dir/admin.properties" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPERTIES

if [[ ! -f "$data_dir/meta.properties" ]]; then
  cluster_id=${CLUSTER_ID:-$("$bin/kafka-storage.sh" random-uuid 2>/dev/null | tail -1)}
  "$bin/kafka-storage.sh" format --cluster-id="$cluster_id" -c "$config_dir/server.properties" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]" >/dev/null
fi
if [[ -z ${KAFKA_SETUP_SCOPES:-} ]]; then
  exec "$bin/kafka-server-start.sh" "$config_dir/server.properties"
fi
# KAFKA_SETUP_SCOPES (e.g. "deploy local"): also run setup-broker.sh once the broker listens, for a container that
# must come up ready to use (the Testcontainers path). The broker stays this script's child and gets its signals.
"$bin/kafka-server-start.sh" "$config_dir/server.properties" &
broker=$!
trap 'kill -TERM "$broker" 2>/dev/null' TERM INT
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  kill -0 "$broker" 2>/dev/null || { wait "$broker"; exit $?; }
  sleep 1
done
# shellcheck disable=SC2086
/bin/bash "$here/setup-broker.sh" "127.0.0.1:$port" $KAFKA_SETUP_SCOPES || { kill -TERM "$broker"; wait "$broker"; exit 1; }
# A signal interrupts the first wait; the second waits for the broker's clean shutdown.
status=0
wait "$broker" || status=$?
if kill -0 "$broker" 2>/dev/null; then status=0; wait "$broker" || status=$?; fi
exit "$status"
