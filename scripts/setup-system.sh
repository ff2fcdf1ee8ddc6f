#!/usr/bin/env bash
# Installs the system packages evmgpu needs: the Vulkan loader and Mesa's lavapipe
# CPU Vulkan driver from bookworm-backports (bookworm's own Mesa 22.3 is too old for
# Dawn), and nats-server (bookworm's 2.9, JetStream with -js) for the distributed mode
# (`serve --nats`, `worker`) and its tests. Idempotent: a second run only checks and returns.
set -euo pipefail

have_lavapipe() {
  # The backports Mesa (>= 25) ships lvp_icd.json; bookworm's 22.3 does too, so check the version.
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -n "$v" ] && dpkg --compare-versions "$v" ge 25 && dpkg-query -W libvulkan1 >/dev/null 2>&1
}

have_nats() {
  command -v nats-server >/dev/null 2>&1
}

if have_lavapipe && have_nats; then
  echo "setup-system: lavapipe ($(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)) and nats-server ($(nats-server --version)) already installed"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "setup-system: need root to install mesa-vulkan-drivers from bookworm-backports and nats-server" >&2
  exit 1
fi

src=/etc/apt/sources.list.d/bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # Same mirror as the machine's first stanza, backports suite.
    awk 'BEGIN{RS="";ORS="\n"} NR==1' /etc/apt/sources.list.d/debian.sources \
      | sed -e '/^#/d' -e 's/^Suites:.*/Suites: bookworm-backports/' > "$src"
  else
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$src"
  fi
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
if ! have_lavapipe; then
  apt-get install -y -q --no-install-recommends libvulkan1
  apt-get install -y -q --no-install-recommends -t bookworm-backports mesa-vulkan-drivers
  echo "setup-system: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
fi
if ! have_nats; then
  apt-get install -y -q --no-install-recommends nats-server
  echo "setup-system: installed $(nats-server --version)"
fi
