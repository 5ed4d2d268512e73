#!/usr/bin/env bash
# System packages Diaodu needs beyond Python: Debian's Chromium (browser tests, screenshots) and a
# CJK font (charts and screenshots show Chinese). Installed with apt-get when missing; as root
# directly, otherwise through sudo when available.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then need+=(fonts-noto-cjk); fi
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
# PostgreSQL binaries for the throwaway test cluster, only when no server answers on 5432.
if [ -z "${DIAODU_TEST_DATABASE_URL:-}" ] && ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need+=(postgresql)
  fi
fi
if [ "${1:-}" = "--with-office" ]; then
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "缺少系统软件包：${need[*]}。请以 root 身份运行：apt-get install -y ${need[*]}" >&2
  exit 0
fi
echo "安装系统软件包：${need[*]}"
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do
  if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; then
    exit 0
  fi
  echo "apt-get 失败（第 ${attempt} 次），稍后重试……" >&2
  sleep 10
done
exit 1
