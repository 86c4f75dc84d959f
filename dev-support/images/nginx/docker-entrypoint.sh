#!/usr/bin/env bash
# Renders /etc/nginx/templates/*.template into /etc/nginx/conf.d/ with envsubst, substituting only the variables
# that are set (nginx's own $variables stay as they are), as the official image's 20-envsubst-on-templates.sh does.
set -euo pipefail
defined=$(printf '${%s} ' $(env | cut -d= -f1))
for template in /etc/nginx/templates/*.template; do
  [[ -e "$template" ]] || continue
  output="/etc/nginx/conf.d/$(basename "${template%.template}")"
  envsubst "$defined" < "$template" > "$output"
done
exec "$@"
