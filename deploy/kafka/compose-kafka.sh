#!/bin/sh
# docker-compose's broker (apache/kafka image): the same properties as `make run` (server.properties.template), the
# admin's SCRAM credential added at format time (the broker needs it to reach its own controller), then Kafka.
# The image's own env-to-properties start script is not used: it cannot add SCRAM credentials when it formats.
set -eu
: "${KAFKA_ADMIN_PASSWORD:?set BOB_KAFKA_ADMIN_PASSWORD}"
umask 077
props=/tmp/server.properties
sed -e "s|{bind}|0.0.0.0|g" -e "s|{host}|kafka|g" -e "s|{port}|9092|g" -e "s|{controller_port}|9093|g" \
    -e "s|{partner_host}|${KAFKA_PARTNER_HOST:-localhost}|g" -e "s|{partner_port}|9094|g" \
    -e "s|{data_dir}|/var/lib/kafka/data|g" -e "s|{tls_keystore}|/certs/broker.pem|g" \
    -e "s|{admin_password}|${KAFKA_ADMIN_PASSWORD}|g" /bob/server.properties.template > "$props"
# For the health check (kafka-broker-api-versions.sh --command-config).
printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="%s";\n' \
    "$KAFKA_ADMIN_PASSWORD" > /tmp/admin.properties
/opt/kafka/bin/kafka-storage.sh format --cluster-id="${CLUSTER_ID}" -c "$props" --ignore-formatted \
    --add-scram "SCRAM-SHA-512=[name=admin,password=${KAFKA_ADMIN_PASSWORD}]"
exec /opt/kafka/bin/kafka-server-start.sh "$props"
