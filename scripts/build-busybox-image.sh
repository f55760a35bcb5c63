#!/usr/bin/env bash
# Builds an OCI image archive from Debian's busybox-static, with nothing pulled from a registry.
#
#   scripts/build-busybox-image.sh OUT.tar [SANDBOX_IMAGE]
#
# The archive holds two images over one layer (the static busybox and its applet links):
#   docker.io/library/busybox:latest   default command `sh`
#   SANDBOX_IMAGE (registry.k8s.io/pause:3.6 unless given)   sleeps forever, as a pod sandbox must
# Both are named with `org.opencontainers.image.ref.name` and containerd's `io.containerd.image.name`
# annotations, so `ctr -n k8s.io images import OUT.tar` tags both. BUSYBOX overrides the binary
# (default /bin/busybox from the busybox-static package).
set -euo pipefail

out=${1:?usage: build-busybox-image.sh OUT.tar [SANDBOX_IMAGE]}
sandbox_image=${2:-registry.k8s.io/pause:3.6}
busybox=${BUSYBOX:-/bin/busybox}

[ -x "$busybox" ] || { echo "build-busybox-image: $busybox not found (install Debian's busybox-static)" >&2; exit 1; }
if ldd "$busybox" >/dev/null 2>&1; then
  echo "build-busybox-image: $busybox is dynamically linked; use busybox-static" >&2; exit 1
fi

arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
layout=$work/layout
mkdir -p "$root"/{bin,etc,tmp,root,proc,sys,dev,var/www,var/run} "$layout/blobs/sha256"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

# One reproducible layer: sorted names, fixed times and owners, gzip without a timestamp.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -9 <"$work/layer.tar" >"$work/layer.tar.gz"

# Stores a file as a blob and prints "digest size".
blob() {
  local digest size
  digest=$(sha256sum "$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  cp "$1" "$layout/blobs/sha256/$digest"
  echo "$digest $size"
}

read -r layer_digest layer_size < <(blob "$work/layer.tar.gz")

# Prints the index entry of one image whose config section is $2.
image() {
  local name=$1 config=$2 cfg_digest cfg_size man_digest man_size
  printf '{"architecture":"%s","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"build-busybox-image.sh"}]}' \
    "$arch" "$config" "$diff_id" >"$work/config.json"
  read -r cfg_digest cfg_size < <(blob "$work/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$cfg_digest" "$cfg_size" "$layer_digest" "$layer_size" >"$work/manifest.json"
  read -r man_digest man_size < <(blob "$work/manifest.json")
  printf '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}' \
    "$man_digest" "$man_size" "$arch" "$name" "$name"
}

env='["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
busybox_entry=$(image docker.io/library/busybox:latest "{\"Env\":$env,\"Cmd\":[\"sh\"]}")
# A sandbox holds the pod's namespaces open and exits on SIGTERM, as pause does.
pause_entry=$(image "$sandbox_image" "{\"Env\":$env,\"Entrypoint\":[\"/bin/sh\",\"-c\",\"trap 'exit 0' TERM INT; while :; do sleep 3600 & wait; done\"]}")

printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' \
  "$busybox_entry" "$pause_entry" >"$layout/index.json"

mkdir -p "$(dirname "$out")"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$layout" -cf "$out" oci-layout index.json blobs
echo "wrote $out (docker.io/library/busybox:latest, $sandbox_image)"
