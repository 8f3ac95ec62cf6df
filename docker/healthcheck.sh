#!/bin/sh
# Container healthcheck: the service's own readiness endpoint on its port.
exec curl -fsS -o /dev/null --max-time 4 "http://127.0.0.1:${1:?port}/health/ready"
