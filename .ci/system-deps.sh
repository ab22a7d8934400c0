#!/usr/bin/env bash
# Installs the Debian packages newsgraph's tests need, only those missing. Idempotent; needs root (or sudo).
# `make test` (and so CI's .ci/run) runs it; `make run` does not: building and serving need only Python.
set -euo pipefail
# a JRE, a JDK (javac builds tests/java/OwlCheck.java) and the OWL API for the Protégé-compatibility checks;
# Chromium for the browser tests
packages=(default-jre-headless openjdk-17-jdk-headless libowlapi-java chromium fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
