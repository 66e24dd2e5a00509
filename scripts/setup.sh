#!/usr/bin/env bash
# Set up courtsim on a fresh Debian machine: a virtual environment in .venv with
# courtsim and its extras, and (when run as root) Debian's Chromium and ChromeDriver
# for the dashboard's browser tests and the PDF/PNG/SVG export. Usage: bash scripts/setup.sh [PYTHON] [VENV]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
venv=${2:-.venv}

if { ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; } \
   && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -e ".[dev,dashboard,distributed,export]"
echo "courtsim is installed in $venv ($("$venv/bin/python" --version))"
