#!/usr/bin/env bash
# The fresh-machine test: README's two commands on a new minimal Debian bookworm, as a new user would type them,
# isolated from this machine's own PostgreSQL and Redis, with LANG and LC_* unset. It passes only if both succeed:
# `./run` serves the demo (http://127.0.0.1:8000/ answers, the API lists the demo cinema by name and makes a hold),
# it is stopped, and then `make test` passes.
#
#   make fresh-test                      (= bash scripts/fresh-machine-test.sh; root, or sudo; 7-8 minutes)
#   FRESH_REBUILD=1 make fresh-test      rebuild the cached base root first
#   FRESH_KEEP=1 make fresh-test         keep the work folder (/var/tmp/marquee-fresh.*) until the next run
#   FRESH_USER=1 make fresh-test         as a normal user with sudo (the harness installs sudo for it first)
#
# 1. Base root: `debootstrap --variant=minbase --include=python3 bookworm`, cached as a tarball in
#    /var/cache/marquee-fresh-test (built once, ~40 s; unpacked in seconds after). debootstrap and iptables are
#    installed on this machine if missing.
# 2. The committed HEAD of the checkout this script is in is cloned into it (uncommitted changes are not tested).
# 3. How this machine reaches the package registries is reproduced inside: its apt sources and Acquire settings,
#    its local CA certificates and its CA / proxy environment variables (pip's, npm's and node's too), its
#    /etc/npmrc, its resolv.conf. Nothing else of it.
# 4. Its own network namespace (a veth pair, NAT through this machine so that the registries stay reachable), so
#    that its PostgreSQL, Redis and API use the standard ports; its own PID, mount and IPC namespaces (unshare),
#    and a chroot. This machine's services are neither seen nor touched.
# 5. Cleanup whatever happens: every process inside ends with the PID namespace (and is killed if left), /proc
#    /sys /dev are unmounted, the namespace, veth and NAT rules are removed, ip_forward is put back, the work
#    folder is removed. A run that was killed is cleaned up by the next one (one run at a time: a lock).
#
# CI runs it (.ci/run) after the suite, adding 7-8 minutes to ~4: docs/development.md ("In CI") says why.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "fresh: $*"; }
die() { echo "fresh: FAIL: $*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "needs root (namespaces, chroot, NAT): run it as root or install sudo"
  exec sudo --preserve-env=FRESH_REBUILD,FRESH_KEEP,FRESH_USER bash "$0" "$@"
fi

CACHE=/var/cache/marquee-fresh-test
SUITE=bookworm
NS=mqfresh VH=mqfresh0 VN=mqfresh1            # fixed names: one run at a time (the lock), stale ones are ours
HOST_IP=10.213.14.1 NS_IP=10.213.14.2 NET=10.213.14.0/30
NAT_RULE=(POSTROUTING -s "$NET" ! -o "$VH" -j MASQUERADE -m comment --comment mqfresh)
FWD_IN=(FORWARD -i "$VH" -j ACCEPT -m comment --comment mqfresh)
FWD_OUT=(FORWARD -o "$VH" -j ACCEPT -m comment --comment mqfresh)
mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
flock -n 9 || { say "another fresh-machine test is running: waiting for it"; flock 9; }
t_start=$SECONDS

# ------------------------------------------------------------------ cleanup (also of a run that was killed)
WORK=''
unmount_under() {  # every mount point below $1, deepest first
  local m
  for m in $(awk -v d="$1/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m" || true; done
}
teardown() {
  local pids
  if ip netns list 2>/dev/null | grep -qw "$NS"; then
    pids=$(ip netns pids "$NS" 2>/dev/null || true)
    [ -z "$pids" ] || { say "cleanup: killing processes left in the namespace: $(echo $pids)"; kill -9 $pids || true; }
    ip netns del "$NS" || true
  fi
  ip link del "$VH" 2>/dev/null || true
  iptables -t nat -D "${NAT_RULE[@]}" 2>/dev/null || true
  iptables -D "${FWD_IN[@]}" 2>/dev/null || true
  iptables -D "${FWD_OUT[@]}" 2>/dev/null || true
  if [ -f "$CACHE/ip_forward.saved" ]; then
    cat "$CACHE/ip_forward.saved" >/proc/sys/net/ipv4/ip_forward
    rm -f "$CACHE/ip_forward.saved"
  fi
  local w
  for w in /var/tmp/marquee-fresh.*; do
    [ -d "$w" ] || continue
    [ -n "${FRESH_KEEP:-}" ] && [ "$w" = "$WORK" ] && continue
    unmount_under "$w"
    if awk -v d="$w/" 'index($2, d) == 1' /proc/mounts | grep -q .; then
      say "cleanup: $w still has mounts: left in place"
    else
      rm -rf --one-file-system "$w"
    fi
  done
}
on_exit() {
  local rc=$?
  teardown
  [ -z "${FRESH_KEEP:-}" ] || [ -z "$WORK" ] || say "kept $WORK"
  if [ $rc -eq 0 ]; then say "PASS in $((SECONDS - t_start)) s"; else say "FAIL (exit $rc) after $((SECONDS - t_start)) s"; fi
  exit $rc
}
teardown
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------------ this machine's tools
need=()
for tool in debootstrap:debootstrap iptables:iptables ip:iproute2 unshare:util-linux git:git curl:curl; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool#*:}")
done
[ ${#need[@]} -eq 0 ] || bash "$REPO/scripts/packages.sh" "${need[@]}"

# ------------------------------------------------------------------ 1. the base root (cached)
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "'$SUITE'" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
tarball=$CACHE/$SUITE-minbase-python3.tar.gz
if [ -n "${FRESH_REBUILD:-}" ] || [ ! -s "$tarball" ]; then
  say "building the base root: debootstrap --variant=minbase --include=python3 $SUITE ($mirror)"
  build=$CACHE/build.$$
  rm -rf --one-file-system "$build"
  debootstrap --variant=minbase --include=python3 "$SUITE" "$build" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -n 20 "$CACHE/debootstrap.log" >&2; rm -rf --one-file-system "$build"; die "debootstrap failed"; }
  tar -C "$build" --numeric-owner -czf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf --one-file-system "$build"
fi
WORK=$(mktemp -d /var/tmp/marquee-fresh.XXXXXX)
R=$WORK/root
mkdir "$R"
tar -C "$R" --numeric-owner -xzf "$tarball"
say "base root ready in $((SECONDS - t_start)) s ($(du -sh "$R" | cut -f1), $tarball)"

# ------------------------------------------------------------------ 2. the project, as committed
sha=$(git -C "$REPO" rev-parse HEAD)
[ -z "$(git -C "$REPO" status --porcelain --untracked-files=no)" ] ||
  say "note: the checkout has uncommitted changes; they are not tested (only HEAD is cloned)"
git clone -q --no-hardlinks "$REPO" "$R/root/marquee"
git -C "$R/root/marquee" checkout -q -B fresh-test "$sha"
say "cloned $(git -C "$REPO" log -1 --format='%h %s' | cut -c1-80)"

# ------------------------------------------------------------------ 3. how this machine reaches the registries
rm -f "$R/etc/apt/sources.list"
keyrings_present() {  # every keyring an apt source file names exists in the new root
  local k
  for k in $(grep -ohiE '(signed-by[:=] *)[^] ]+' "$1" | sed -E 's/^[Ss]igned-[Bb]y[:=] *//'); do
    [ -e "$R$k" ] || return 1
  done
}
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -s "$f" ] || continue
  if keyrings_present "$f"; then cp "$f" "$R$f"; else say "apt source $f not copied (its keyring is not on a new Debian)"; fi
done
[ -n "$(ls "$R/etc/apt/sources.list.d/" 2>/dev/null)" ] || [ -s "$R/etc/apt/sources.list" ] ||
  echo "deb $mirror $SUITE main" >"$R/etc/apt/sources.list"
for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
  [ -f "$f" ] && grep -q 'Acquire' "$f" && cp "$f" "$R$f"
done
mkdir -p "$R/usr/local/share/ca-certificates"
cp -r /usr/local/share/ca-certificates/. "$R/usr/local/share/ca-certificates/" 2>/dev/null || true
# npm's global config (make test installs axe-core from npm): registry, CA file, proxy; never a user's ~/.npmrc
[ -f /etc/npmrc ] && cp /etc/npmrc "$R/etc/npmrc"
cp /etc/resolv.conf "$R/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' "$(uname -n)" >"$R/etc/hosts"  # as Debian's installer writes it
: >"$R/fresh-env.sh"  # sourced by the steps below: the registry-access variables, nothing else
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY SSL_CERT_FILE SSL_CERT_DIR \
         REQUESTS_CA_BUNDLE CURL_CA_BUNDLE PIP_CERT PIP_INDEX_URL PIP_DEFAULT_TIMEOUT \
         NODE_EXTRA_CA_CERTS npm_config_registry npm_config_cafile npm_config_proxy npm_config_https_proxy \
         NPM_CONFIG_REGISTRY NPM_CONFIG_CAFILE NPM_CONFIG_PROXY NPM_CONFIG_HTTPS_PROXY; do
  [ -z "${!v:-}" ] || printf 'export %q\n' "$v=${!v}" >>"$R/fresh-env.sh"
done

# ------------------------------------------------------------------ 4. the network namespace (veth + NAT)
ip netns add "$NS"
ip link add "$VH" type veth peer name "$VN"
ip link set "$VN" netns "$NS"
mtu=$(ip -o link show "$(ip route show default | awk '{print $5; exit}')" | grep -o 'mtu [0-9]*' | cut -d' ' -f2)
ip addr add "$HOST_IP/30" dev "$VH"
ip link set "$VH" mtu "${mtu:-1500}" up
ip -n "$NS" addr add "$NS_IP/30" dev "$VN"
ip -n "$NS" link set "$VN" mtu "${mtu:-1500}" up
ip -n "$NS" link set lo up
ip -n "$NS" route add default via "$HOST_IP"
cat /proc/sys/net/ipv4/ip_forward >"$CACHE/ip_forward.saved"
echo 1 >/proc/sys/net/ipv4/ip_forward
iptables -t nat -A "${NAT_RULE[@]}"
iptables -I "${FWD_IN[@]}"
iptables -I "${FWD_OUT[@]}"
ip netns exec "$NS" curl -sS -m 20 -o /dev/null "$mirror/dists/$SUITE/Release" ||
  die "the namespace does not reach Debian's mirror ($mirror) through NAT"
say "namespace $NS: $NS_IP, NAT through this machine; $mirror reachable"

# ------------------------------------------------------------------ 5. inside: README's two commands
cat >"$R/fresh-steps.sh" <<'STEPS'
#!/bin/bash
# Runs inside the new root, in the project's clone ($1), with a clean environment (no LANG, no LC_*).
set -uo pipefail
. /fresh-env.sh
cd "$1"
say() { echo "fresh: $*"; }
say "inside: $(. /etc/os-release; echo "$PRETTY_NAME"), $(python3 --version), user $(id -un)," \
    "LANG=${LANG-unset} LC_ALL=${LC_ALL-unset}, make: $(command -v make || echo none)"
t0=$SECONDS
say "\$ ./run      (README's first command: serves the demo)"
setsid ./run > >(sed -u 's/^/[run] /') 2>&1 &
run_pid=$!
served=0
for _ in $(seq 1 900); do
  python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8000/", timeout=2)' 2>/dev/null &&
    { served=1; break; }
  kill -0 "$run_pid" 2>/dev/null || break
  sleep 2
done
[ "$served" = 1 ] || { say "FAIL: ./run did not serve http://127.0.0.1:8000/"; kill -TERM -- -"$run_pid" 2>/dev/null; exit 1; }
say "http://127.0.0.1:8000/ answers, $((SECONDS - t0)) s after ./run started"
python3 - <<'PY' || { kill -TERM -- -"$run_pid"; exit 1; }
import datetime, json, urllib.request, uuid
base = "http://127.0.0.1:8000"
def call(path, body=None, method=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, json.load(r)
_, cinemas = call("/api/cinemas")
names = [c["name"] for c in cinemas]
assert "Marquee Downtown" in names, f"the demo cinema is not served by name (UTF-8?): {names}"
today = datetime.date.today()
for cinema in cinemas:
    for day in (today + datetime.timedelta(days=d) for d in range(0, 4)):
        _, movies = call(f"/api/movies/now-showing?cinema={cinema['id']}&date={day}")
        for movie in movies:
            _, shows = call(f"/api/showtimes/movie/{movie['id']}?cinema={cinema['id']}&date={day}")
            for show in shows:
                _, seat_map = call(f"/api/showtimes/{show['id']}/seats")
                for row in seat_map["layout"]["rows"]:
                    seats = sorted(row["seats"], key=lambda s: s["seatNumber"])
                    if len(seats) >= 3 and all(s["status"] == "AVAILABLE" for s in seats[:2]):
                        session = uuid.uuid4().hex
                        try:
                            status, hold = call("/api/bookings/hold", {"showtimeId": show["id"], "sessionToken": session,
                                                                       "seatIds": [s["id"] for s in seats[:2]]})
                        except urllib.error.HTTPError as err:
                            print(f"fresh: hold refused ({err.code} {err.read()[:200]!r}); trying another row")
                            continue
                        assert status == 201, (status, hold)
                        print(f"fresh: hold {hold['holdId']} of {[s['id'] for s in hold['seats']]} in "
                              f"{cinema['name']}, {movie['title']!r} at {show['startsAt']}: {hold['totalAmount']} "
                              f"{hold['currency']}")
                        raise SystemExit(0)
raise SystemExit("fresh: FAIL: no showtime with two free seats at a row's end found to hold")
PY
say "stopping ./run"
kill -TERM -- -"$run_pid" 2>/dev/null
for _ in $(seq 1 60); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$run_pid" 2>/dev/null && { say "FAIL: ./run did not stop on SIGTERM"; exit 1; }
wait "$run_pid" 2>/dev/null
if python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8000/", timeout=2)' 2>/dev/null; then
  say "FAIL: something still serves port 8000 after ./run stopped"; exit 1
fi
say "./run stopped; \$ make test      (README's second command)"
t1=$SECONDS
make test; rc=$?
say "make test: exit $rc in $((SECONDS - t1)) s"
[ $rc -eq 0 ] || exit $rc
if [ -n "$(git status --porcelain)" ]; then
  say "FAIL: the commands left the work tree modified:"; git status --short; exit 1
fi
say "the work tree is clean after both commands"
STEPS
cat >"$R/fresh-start.sh" <<'START'
#!/bin/bash
# As root inside the new root: the steps as root, or (FRESH_USER) as a user "dev" whom the machine's admin gave sudo.
set -euo pipefail
if [ -z "${FRESH_USER:-}" ]; then exec /bin/bash /fresh-steps.sh /root/marquee; fi
. /fresh-env.sh
echo "fresh: (harness) installing sudo and adding the user dev with sudo rights"
{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y sudo; } >/tmp/harness-apt.log 2>&1 ||
  { tail -n 20 /tmp/harness-apt.log; exit 1; }
useradd -m -s /bin/bash dev
echo 'dev ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/dev
mv /root/marquee /home/dev/marquee
chown -R dev:dev /home/dev/marquee
exec runuser -u dev -- /usr/bin/env -i HOME=/home/dev TERM=dumb PATH=/usr/local/bin:/usr/bin:/bin \
  /bin/bash /fresh-steps.sh /home/dev/marquee
START
chmod +x "$R/fresh-steps.sh" "$R/fresh-start.sh"

say "entering the new root (network, PID, mount and IPC namespaces; chroot; clean environment)"
# In the background, so that a signal to this script runs its cleanup at once (wait is interruptible).
ip netns exec "$NS" unshare --pid --fork --kill-child --mount --propagation private --ipc -- \
  bash -c '
    set -e
    R=$1 fresh_user=$2
    mount -t proc proc "$R/proc"
    mount -t sysfs sysfs "$R/sys"
    mount --rbind /dev "$R/dev"
    mount -t tmpfs -o mode=1777 shm "$R/dev/shm"
    set +e
    timeout --kill-after=30 3000 chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb FRESH_USER="$fresh_user" \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash /fresh-start.sh
    rc=$?
    # this shell is the PID namespace'"'"'s first process: kill -1 reaches every other one (PostgreSQL, Redis, ...)
    kill -TERM -1 2>/dev/null; sleep 3; kill -KILL -1 2>/dev/null; sleep 0.5
    umount "$R/dev/shm"; umount -R -l "$R/dev"; umount "$R/sys"; umount "$R/proc"
    exit $rc' fresh "$R" "${FRESH_USER:-}" &
rc=0; wait $! || rc=$?
[ $rc -eq 0 ] || die "inside the new root: exit $rc"
