#!/usr/bin/env bash
# docker-prep.sh: make this machine able to run `docker compose up` for futugw, from
# nothing, without an image registry. Idempotent: every step checks first and does
# nothing when its result is already there. Run as root (`make docker-prep`).
#
#   1. the engine: Debian's docker.io (apt-get), when dockerd is missing
#   2. the daemon: dockerd (overlay2) started in the background when `docker info` fails
#      (log: /var/log/futugw-dockerd.log)
#   3. the CLI plugins, built from the Go module proxy into ~/.docker/cli-plugins:
#      docker-compose (github.com/docker/compose/v5) and docker-buildx
#   4. the base images the repository's Dockerfiles and docker-compose.yml name:
#      golang:1.26-bookworm, node:20-bookworm, redis:7, caddy:2. A tag already present is
#      kept. Otherwise it is pulled; when no registry answers (FUTUGW_STANDINS=1 skips the
#      attempt), a stand-in is built under that exact tag on a Debian bookworm root
#      filesystem made by debootstrap: this machine's Go toolchain, this machine's Node
#      (20.19 or later) with npm, Debian's redis-server, Debian's caddy. Stand-ins carry
#      the label org.futugw.standin=true. Elsewhere, the real images are pulled.
#   5. the gRPC ports the stack publishes, 50051-50053, lie in Linux's default ephemeral
#      range (32768-60999): they are reserved (net.ipv4.ip_local_reserved_ports), so no
#      outgoing connection takes one as its local port while the stack starts
#
# Builds inside containers reach the module proxy and npm only with host networking
# (deploy/compose.test.yml sets build.network: host) and this machine's CA bundle, which
# the golang and node stand-ins carry.
#
# Environment: COMPOSE_VERSION (v5.6.0), BUILDX_VERSION (v0.38.2), DEBIAN_MIRROR
# (http://deb.debian.org/debian), FUTUGW_STANDINS=1 (build stand-ins without trying to
# pull), FUTUGW_PULL_TIMEOUT (seconds per pull attempt, 20).
set -euo pipefail

COMPOSE_VERSION=${COMPOSE_VERSION:-v5.6.0}
BUILDX_VERSION=${BUILDX_VERSION:-v0.38.2}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PULL_TIMEOUT=${FUTUGW_PULL_TIMEOUT:-20}
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
PLUGINS="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
BASE_TAG=futugw-standin/bookworm-minbase:latest
DOCKERD_LOG=/var/log/futugw-dockerd.log
export PATH="/usr/local/go/bin:$PATH"

say() { echo "docker-prep: $*"; }
die() { echo "docker-prep: $*" >&2; exit 1; }
t0=$SECONDS
step() { say "$* ($((SECONDS - t0)) s)"; }

[[ $(id -u) == 0 ]] || die "run as root (apt-get, dockerd)"

work=$(mktemp -d /tmp/futugw-docker-prep.XXXXXX)
trap 'rm -rf "$work"' EXIT

# apt_wait waits while another apt-get/dpkg holds the lock (up to 10 minutes).
apt_wait() {
  local i
  for i in $(seq 600); do
    if ! fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock >/dev/null 2>&1 &&
      ! pgrep -x apt-get >/dev/null && ! pgrep -x dpkg >/dev/null; then
      return 0
    fi
    ((i % 30 == 1)) && say "waiting for another apt-get/dpkg to finish"
    sleep 1
  done
  die "the dpkg lock is still held after 10 minutes"
}

apt_updated=0
apt_install() {
  apt_wait
  if ((!apt_updated)); then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- 1. engine ---------------------------------------------------------------------
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v fuser >/dev/null || need+=(psmisc)
if ((${#need[@]})); then
  step "installing ${need[*]}"
  apt_install "${need[@]}"
fi
command -v docker >/dev/null || die "no docker CLI on PATH"

# --- 2. daemon -----------------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
  step "starting dockerd (overlay2), log $DOCKERD_LOG"
  setsid nohup dockerd --storage-driver=overlay2 >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -20 "$DOCKERD_LOG" >&2; die "dockerd did not come up"; }
fi
step "daemon up: $(docker version --format 'engine {{.Server.Version}}, API {{.Server.APIVersion}}')"

# --- 3. plugins ----------------------------------------------------------------------
# build_plugin NAME MODULE VERSION PKG LDFLAGS: builds MODULE@VERSION's PKG inside a
# writable copy of the module (go install refuses compose because of its exclude lines).
build_plugin() {
  local name=$1 mod=$2 ver=$3 pkg=$4 ldflags=$5 dir
  step "building docker-$name $ver from $mod"
  dir=$(cd "$work" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "$mod@$ver" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [[ -d $dir ]] || die "go mod download $mod@$ver gave no directory"
  cp -r "$dir" "$work/$name"
  chmod -R u+w "$work/$name"
  mkdir -p "$PLUGINS"
  (cd "$work/$name" && GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
    go build -trimpath -ldflags "-s -w $ldflags" -o "$PLUGINS/docker-$name.tmp" "$pkg")
  mv "$PLUGINS/docker-$name.tmp" "$PLUGINS/docker-$name"
}
if [[ $(docker compose version --short 2>/dev/null) != "${COMPOSE_VERSION#v}" ]]; then
  build_plugin compose github.com/docker/compose/v5 "$COMPOSE_VERSION" ./cmd \
    "-X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION"
fi
if ! docker buildx version 2>/dev/null | grep -qF " $BUILDX_VERSION "; then
  build_plugin buildx github.com/docker/buildx "$BUILDX_VERSION" ./cmd/buildx \
    "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION -X github.com/docker/buildx/version.Package=github.com/docker/buildx"
fi
step "plugins: $(docker compose version), $(docker buildx version)"

# --- 4. base images ------------------------------------------------------------------
have() { docker image inspect "$1" >/dev/null 2>&1; }

base_image() {
  have "$BASE_TAG" && return 0
  step "debootstrap --variant=minbase bookworm ($DEBIAN_MIRROR)"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'LABEL org.futugw.standin=true' -c 'CMD ["bash"]' - "$BASE_TAG" >/dev/null
  rm -rf "$work/rootfs"
}

# standin_build TAG DIR: builds the stand-in for TAG from DIR (a Dockerfile and its files).
standin_build() {
  local tag=$1 ctx=$2
  step "building the stand-in $tag"
  docker build -q --network host -t "$tag" "$ctx" >/dev/null
}

golang_ctx() {
  local ctx=$work/golang goroot
  goroot=$(go env GOROOT)
  mkdir -p "$ctx"
  cp "$CA_BUNDLE" "$ctx/ca-certificates.crt"
  tar -C "$goroot" --exclude=./pkg/obj --exclude=./.git -cf "$ctx/go.tar" .
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE_TAG
LABEL org.futugw.standin=true org.futugw.standin.of=golang:1.26-bookworm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ADD go.tar /usr/local/go/
ENV GOLANG_VERSION=$(go env GOVERSION | sed 's/^go//') GOTOOLCHAIN=local GOPATH=/go \\
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go && go version
WORKDIR /go
EOF
  echo "$ctx"
}

node_ctx() {
  local ctx=$work/node node npmdir ver
  node=$(command -v node) || die "node is needed for the node:20-bookworm stand-in"
  ver=$("$node" --version)
  "$node" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' ||
    die "node $ver is too old for the panel build (needs 20.19 or later)"
  npmdir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  [[ -f $npmdir/package.json ]] || die "npm not found next to $(command -v npm)"
  mkdir -p "$ctx"
  cp "$CA_BUNDLE" "$ctx/ca-certificates.crt"
  cp "$node" "$ctx/node"
  tar -C "$(dirname "$npmdir")" -cf "$ctx/npm.tar" "$(basename "$npmdir")"
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE_TAG
LABEL org.futugw.standin=true org.futugw.standin.of=node:20-bookworm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY node /usr/local/bin/node
ADD npm.tar /usr/local/lib/node_modules/
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && \\
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version
ENV NODE_VERSION=${ver#v} NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
EOF
  echo "$ctx"
}

redis_ctx() {
  local ctx=$work/redis
  mkdir -p "$ctx"
  # Like the official image: protected mode off (the container is the boundary),
  # data in /data, the server as the redis user.
  cat >"$ctx/entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
  if [ "$(id -u)" = 0 ]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
EOF
  chmod +x "$ctx/entrypoint.sh"
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE_TAG
LABEL org.futugw.standin=true org.futugw.standin.of=redis:7
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null && \\
    rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /data
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
EOF
  echo "$ctx"
}

caddy_ctx() {
  local ctx=$work/caddy
  mkdir -p "$ctx"
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE_TAG
LABEL org.futugw.standin=true org.futugw.standin.of=caddy:2
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends caddy ca-certificates >/dev/null && \\
    rm -rf /var/lib/apt/lists/* && mkdir -p /config/caddy /data/caddy /srv
ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data
VOLUME /config
VOLUME /data
WORKDIR /srv
EXPOSE 80 443 443/udp 2019
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
EOF
  echo "$ctx"
}

ensure_image() {
  local tag=$1 ctxfn=$2
  if have "$tag"; then
    say "$tag: present$([[ $(docker image inspect -f '{{index .Config.Labels "org.futugw.standin"}}' "$tag") == true ]] && echo ' (stand-in)')"
    return 0
  fi
  if [[ ${FUTUGW_STANDINS:-} != 1 ]]; then
    step "pulling $tag"
    if timeout "$PULL_TIMEOUT" docker pull -q "$tag" >/dev/null 2>&1; then return 0; fi
    say "$tag cannot be pulled (no registry?): building a stand-in"
  fi
  base_image
  local ctx
  ctx=$("$ctxfn") || exit 1 # the context function said why
  standin_build "$tag" "$ctx"
}

ensure_image golang:1.26-bookworm golang_ctx
ensure_image node:20-bookworm node_ctx
ensure_image redis:7 redis_ctx
ensure_image caddy:2 caddy_ctx

reserve_ports() {
  local f=/proc/sys/net/ipv4/ip_local_reserved_ports cur
  [[ -w $f ]] || { say "cannot reserve 50051-50053 ($f is not writable)"; return 0; }
  cur=$(<"$f")
  [[ ,$cur, == *,50051-50053,* ]] && return 0
  if ! echo "${cur:+$cur,}50051-50053" 2>/dev/null >"$f"; then
    say "could not reserve 50051-50053 (writing $f failed)"
    return 0
  fi
  step "reserved ports 50051-50053 against ephemeral use"
}
reserve_ports
step "ready"
