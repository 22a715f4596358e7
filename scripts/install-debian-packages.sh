#!/usr/bin/env bash
# Installs the real servers the integration tests drive: Apache httpd, nginx, the
# Pacemaker/Corosync stack, wrk for benchmarks, curl (the apache agent's status
# client), openssl (test certificates), what building Apache httpd 2.4.37 from
# source needs (the httpd RHEL 8 ships; the tests build it once and cache it),
# and what the production VIP chain runs in the failover drill: awsvip calls the
# AWS CLI (awscli), fence_aws is in fence-agents and needs boto3 (python3-boto3).
# Daemons are blocked from starting (policy-rc.d) because the tests start their own instances.
set -euo pipefail
packages=(apache2-bin nginx pacemaker pacemaker-cli-utils corosync pcs resource-agents fence-agents python3-boto3 awscli wrk iproute2 procps curl openssl
  build-essential libapr1-dev libaprutil1-dev libpcre3-dev libexpat1-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian packages: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "debian packages missing (${missing[*]}) and not root: run this script as root" >&2
  exit 1
fi
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ $had_policy -eq 0 ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
fi
trap '[ $had_policy -eq 0 ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
