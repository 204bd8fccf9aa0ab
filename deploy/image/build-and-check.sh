#!/usr/bin/env bash
# Builds the sriov-forwarder image on this machine and checks it.
#
# This machine cannot pull base images and cannot `podman run` (crun cannot set rlimits; cgroups are hybrid), so:
#   1. a Debian root file system is made with debootstrap from the mirror apt already uses (read from the apt sources
#      at run time), and this machine's .NET install (/usr/share/dotnet) is copied in, giving two local base images,
#      "sdk" (the whole install) and "runtime" (host + shared frameworks); they stay in podman's store and are reused
#      (--rebuild-bases makes them again);
#   2. the Dockerfile is built with those bases as SDK_IMAGE and RUNTIME_IMAGE (podman build --isolation=chroot,
#      host network for NuGet); --with-tests also builds the `test` target, which runs the unit tests;
#   3. the image's file system is mounted (podman image mount) and its entrypoint is run with chroot, with the
#      image's environment, /proc, /sys and /dev bind-mounted and a fresh tmpfs on /tmp: it must answer --help with
#      exit 0, and a --simulate start must print "sriov-forwarder ready" and exit 0 on SIGTERM.
# Every mount and temporary folder it makes is removed on exit, failure or interrupt. Images stay in podman's store:
#   podman rmi localhost/sriov-forwarder:dev localhost/sriov-forwarder-base/sdk:10.0-local \
#     localhost/sriov-forwarder-base/runtime:10.0-local && podman image prune -f
#   (and localhost/sriov-forwarder:test after --with-tests)
# Usage: deploy/image/build-and-check.sh [--rebuild-bases] [--with-tests] [--logs=DIR]   (as root)
#   --logs=DIR keeps the build, --help and --simulate logs in DIR.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
image=${IMAGE:-localhost/sriov-forwarder:dev}
base_sdk=localhost/sriov-forwarder-base/sdk:10.0-local
base_runtime=localhost/sriov-forwarder-base/runtime:10.0-local
suite=${DEBIAN_SUITE:-bookworm}
dotnet_root=${DOTNET_INSTALL:-/usr/share/dotnet}
rebuild_bases=false
with_tests=false
keep_logs=""
for arg in "$@"; do
  case "$arg" in
    --rebuild-bases) rebuild_bases=true ;;
    --with-tests) with_tests=true ;;
    --logs=*) keep_logs=${arg#--logs=} ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || { echo "run as root: debootstrap, podman image mount and chroot need it" >&2; exit 2; }
for tool in podman debootstrap; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y podman debootstrap" >&2; exit 2; }
done
[ -x "$dotnet_root/dotnet" ] || { echo "no .NET install at $dotnet_root (set DOTNET_INSTALL)" >&2; exit 2; }

work=$(mktemp -d /var/tmp/sriov-image.XXXXXX)
# Build containers that exist already are not ours; one a killed `podman build` leaves behind is removed on exit.
build_containers() { podman ps --all --external --format '{{.ID}} {{.Names}}' | awk '$2 ~ /-working-container$/ { print $1 }' | sort; }
containers_before=$(build_containers)
mounted_image=""
root=""
check_pid=""
started=$(date +%s)

# Unmounts everything under $work (deepest first), then removes it; refuses to remove while anything is still mounted
# there, so a bind mount of /dev or /sys can never be deleted through.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$check_pid" ] && kill -0 "$check_pid" 2>/dev/null; then
    kill -KILL "$check_pid" 2>/dev/null || true
    wait "$check_pid" 2>/dev/null || true
  fi
  local target
  for target in $(findmnt -rn -o TARGET | grep -F "$work" | sort -r); do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
  done
  if [ -n "$root" ]; then
    # The check's /proc, /sys, /dev and /tmp inside the image's file system, before podman unmounts the image.
    for target in $(findmnt -rn -o TARGET | grep -F "$root/" | sort -r); do
      umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
    done
  fi
  if [ -n "$mounted_image" ]; then
    podman image unmount "$mounted_image" >/dev/null 2>&1 || true
  fi
  local left
  for left in $(comm -13 <(echo "$containers_before") <(build_containers)); do
    podman rm --force --storage "$left" >/dev/null 2>&1 || true
  done
  if [ -n "$keep_logs" ]; then
    mkdir -p "$keep_logs" && cp "$work"/*.log "$work"/*.txt "$keep_logs"/ 2>/dev/null || true
  fi
  if [ -n "$root" ] && findmnt -rn -o TARGET | grep -qF "$root/"; then
    echo "cleanup: still mounted under $root:" >&2
    findmnt -rn -o TARGET | grep -F "$root/" >&2
    status=1
  fi
  if findmnt -rn -o TARGET | grep -qF "$work"; then
    echo "cleanup: still mounted under $work, not removing it:" >&2
    findmnt -rn -o TARGET | grep -F "$work" >&2
    status=1
  else
    rm -rf --one-file-system "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '[%4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

# The first mirror in the apt sources (one-line or deb822 format) that serves "$suite" itself (not -updates/-security).
debian_mirror() {
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    sed -E 's/\[[^]]*\]//' "$file" | awk -v s="$suite" '$1 == "deb" && $3 == s { print $2; exit }'
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v s="$suite" '
      function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " s " ") && uris != "") { split(uris, u, " "); print u[1]; found = 1 } types = ""; suites = ""; uris = "" }
      /^[[:space:]]*$/ { flush(); if (found) exit; next }
      /^Types:/  { sub(/^Types:[[:space:]]*/, "");  types = $0 }
      /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
      /^URIs:/   { sub(/^URIs:[[:space:]]*/, "");   uris = $0 }
      END { if (!found) flush() }' "$file"
  done
}

image_exists() { podman image exists "$1"; }

make_bases() {
  local mirror rootfs version
  mirror=$(debian_mirror | head -n 1)
  [ -n "$mirror" ] || { echo "no '$suite' source in the apt sources" >&2; exit 1; }
  rootfs="$work/rootfs"
  step "debootstrap $suite (minbase) from the apt sources' mirror"
  # The runtime libraries .NET needs (ICU, OpenSSL, CA certificates, time zones); the rest is in minbase.
  debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata \
    "$suite" "$rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

  version=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -n 1)
  step "runtime base: $suite + $dotnet_root (host, shared frameworks $version)"
  mkdir -p "$rootfs/usr/share/dotnet"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/shared" "$rootfs/usr/share/dotnet/"
  ln -sf /usr/share/dotnet/dotnet "$rootfs/usr/bin/dotnet"
  local env=(--change "ENV DOTNET_ROOT=/usr/share/dotnet" --change "ENV DOTNET_RUNNING_IN_CONTAINER=true"
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
  tar -C "$rootfs" -c . | podman import "${env[@]}" --change 'CMD ["/bin/bash"]' - "$base_runtime" > "$work/import.log" 2>&1

  step "sdk base: runtime base + the SDK + this machine's extra CA certificates"
  # NuGet's TLS must trust what this machine trusts (here an egress proxy's CA in /usr/local/share/ca-certificates);
  # only the local sdk base gets them, never the runtime base or the image.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates > "$work/ca.log" 2>&1 || { cat "$work/ca.log" >&2; exit 1; }
  fi
  local part
  for part in sdk sdk-manifests packs templates metadata; do
    [ -e "$dotnet_root/$part" ] && cp -a "$dotnet_root/$part" "$rootfs/usr/share/dotnet/"
  done
  tar -C "$rootfs" -c . | podman import "${env[@]}" --change 'CMD ["/bin/bash"]' - "$base_sdk" > "$work/import.log" 2>&1
  rm -rf --one-file-system "$rootfs"
}

if $rebuild_bases || ! image_exists "$base_sdk" || ! image_exists "$base_runtime"; then
  make_bases
else
  step "reusing the local bases $base_sdk and $base_runtime (--rebuild-bases makes them again)"
fi

build_args=(--build-arg "SDK_IMAGE=$base_sdk" --build-arg "RUNTIME_IMAGE=$base_runtime")
if [ -n "${NUGET_CERT_REVOCATION_MODE:-}" ]; then
  build_args+=(--build-arg "NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE")
fi
build() { podman build --isolation=chroot --network=host --pull=never "${build_args[@]}" "$@" "$repo"; }

if $with_tests; then
  step "podman build --target test (runs the unit tests that need no root)"
  t0=$(date +%s)
  build --target test -t localhost/sriov-forwarder:test > "$work/build-test.log" 2>&1 \
    || { tail -n 40 "$work/build-test.log" >&2; echo "the test target failed" >&2; exit 1; }
  grep -E '^(Passed!|Failed!)' "$work/build-test.log" | sed 's/^/    /' || true
  step "test target built in $(( $(date +%s) - t0 )) s"
fi

step "podman build (runtime target) -> $image"
t0=$(date +%s)
build -t "$image" > "$work/build.log" 2>&1 && podman image exists "$image" \
  || { tail -n 40 "$work/build.log" >&2; echo "the image build failed" >&2; exit 1; }
step "image built in $(( $(date +%s) - t0 )) s; size $(podman image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }')" \
  "(runtime base $(podman image inspect --format '{{.Size}}' "$base_runtime" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"

mounted_image=$image
root=$(podman image mount "$image")
step "image file system at $root (read-only)"
# The image's own environment and entrypoint, as a container runtime would apply them.
mapfile -t image_env < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$image" | sed '/^$/d')
mapfile -t entrypoint < <(podman image inspect --format '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$image" | sed '/^$/d')
[ "${#entrypoint[@]}" -gt 0 ] || { echo "the image has no entrypoint" >&2; exit 1; }
for dir in proc sys dev; do
  mount --bind "/$dir" "$root/$dir"
  mount --make-rslave "$root/$dir" 2>/dev/null || true
done
mount -t tmpfs -o size=256m,mode=1777 tmpfs "$root/tmp"

# Runs the entrypoint in the image as nobody (the simulated node then needs no iproute2 and makes no veths on this
# host, whose network namespace a chroot shares), with the image's environment plus the given variables.
# Arguments: VAR=value ... -- arguments of the executable.
in_image() {
  local vars=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
  [ "$#" -gt 0 ] && shift
  exec chroot --userspec=65534:65534 "$root" /usr/bin/env -i "${image_env[@]}" HOME=/tmp "${vars[@]}" "${entrypoint[@]}" "$@"
}

step "check: sriov-forwarder --help"
(in_image -- --help) > "$work/help.txt" 2>&1 || { cat "$work/help.txt" >&2; echo "--help failed" >&2; exit 1; }
grep -q NSM_SRIOV_CONFIG_FILE "$work/help.txt" || { cat "$work/help.txt" >&2; echo "--help does not list the variables" >&2; exit 1; }
echo "    --help: exit 0, $(grep -c '^ *NSM_\|^ *TELEMETRY\|^ *SPIFFE' "$work/help.txt") variables listed"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
step "check: sriov-forwarder --simulate reaches ready, then SIGTERM -> exit 0"
# Everything the process writes goes to the tmpfs; fresh ports and no dashboard so nothing clashes with the host.
(in_image NSM_NODE_NAME=image-check NSM_STATE_PATH=/tmp/state NSM_DEVICE_PLUGIN_PATH=/tmp/device-plugins \
  NSM_POD_RESOURCES_PATH=/tmp/pod-resources NSM_CONNECT_TO=unix:///tmp/nsm.io.sock \
  NSM_LISTEN_ON=unix:///tmp/listen_on.io.sock NSM_DASHBOARD_LISTEN_ON= \
  NSM_SILO_PORT="$(free_port)" NSM_GATEWAY_PORT="$(free_port)" -- --simulate) > "$work/simulate.log" 2>&1 &
check_pid=$!
t0=$(date +%s%N)
ready=false
for _ in $(seq 1 600); do
  if grep -q "sriov-forwarder ready" "$work/simulate.log"; then ready=true; break; fi
  kill -0 "$check_pid" 2>/dev/null || break
  sleep 0.1
done
ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if ! $ready; then
  cat "$work/simulate.log" >&2; echo "the simulated start did not reach ready" >&2; exit 1
fi
echo "    ready after ${ready_ms} ms: $(grep -o 'sriov-forwarder ready.*' "$work/simulate.log" | head -n 1)"
# The forwarder runs under chroot/env (exec'd, same pid), so the signal reaches it directly.
t0=$(date +%s%N)
kill -TERM "$check_pid"
set +e
wait "$check_pid"
code=$?
set -e
check_pid=""
stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$code" -ne 0 ]; then
  tail -n 30 "$work/simulate.log" >&2; echo "SIGTERM: exit code $code, expected 0" >&2; exit 1
fi
echo "    SIGTERM: exit 0 after ${stop_ms} ms"
step "image $image checked"
