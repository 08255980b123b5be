#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/prepare.sh [--force] -- everything the VM tier needs, once:
#   1. host packages (apt-get): qemu-system-x86, busybox-static, drbd-utils,
#      lvm2, kmod, xz-utils, e2fsprogs. They run in the guests too, whose
#      root filesystem is the host's /.
#   2. Debian's kernel (the package linux-image-amd64 depends on, or
#      VZHA_VM_KPKG), fetched with `apt-get download` into the cache
#      ($VZHA_VM_CACHE, default /var/cache/vzha/vm; never the repository),
#      extracted, depmod'ed; its bzImage decompressed to the ELF vmlinux
#      (Debian's kernel is PVH-bootable: QEMU loads it directly and the
#      guest skips ~5 s of xz under TCG).
#   3. initramfs.cpio.gz: busybox-static plus the modules that mount the
#      host's / over virtio-9p under a tmpfs overlay; its /init (below) then
#      hands over to tests/vm/guest-init.sh, read from the host at each boot.
# Idempotent: a second run checks and returns (well under a second).
# Exit 0 ready, 1 not (no root, no archive, ...); messages on stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh" || exit 1

FORCE=0
[ "${1:-}" = --force ] && FORCE=1
die() { vm_log "prepare: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (apt-get, QEMU's 9p export of /)"
case $VM_CACHE/ in
"$(cd "$VM_DIR/../.." && pwd)"/*) die "VZHA_VM_CACHE=$VM_CACHE is inside the repository" ;;
esac

# -- 1. host packages
PKGS=(qemu-system-x86 busybox-static drbd-utils lvm2 kmod xz-utils e2fsprogs)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	vm_log "prepare: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2 || die "apt-get update failed (no network to Debian's archive?)"
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
fi

mkdir -p "$VM_CACHE/deb" "$VM_CACHE/kernel"
exec 9>"$VM_CACHE/.prepare.lock"
flock 9

# -- 2. kernel
K=$VM_CACHE/kernel
if [ $FORCE = 1 ] || [ ! -s "$K/release" ]; then
	kpkg=${VZHA_VM_KPKG:-}
	download() {
		[ -n "$kpkg" ] || kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		[ -n "$kpkg" ] && (cd "$VM_CACHE/deb" && rm -f ./*.deb &&
			apt-get download -q "$kpkg" 2>&1 | grep -v 'unsandboxed' >&2)
		ls "$VM_CACHE/deb/${kpkg}"_*.deb >/dev/null 2>&1
	}
	# stale package lists name a kernel the archive no longer has: update once
	download || { apt-get update -q >&2 && kpkg=${VZHA_VM_KPKG:-} && download; } ||
		die "cannot download ${kpkg:-the kernel package} (no network to Debian's archive?)"
	deb=$(ls "$VM_CACHE/deb/${kpkg}"_*.deb)
	vm_log "prepare: extracting $deb"
	rm -rf "$K" && mkdir -p "$K"
	dpkg-deb -x "$deb" "$K/root"
	krel=$(ls "$K/root/lib/modules")
	depmod -b "$K/root" "$krel"
	ln -s "root/boot/vmlinuz-$krel" "$K/vmlinuz"
	# the xz payload of the bzImage is the ELF kernel; anything after the
	# stream is ignored (--single-stream; tail then dies of SIGPIPE, which
	# is fine). If this fails, the guests boot the bzImage.
	off=$(LC_ALL=C grep -obUaP -m1 '\xfd7zXZ\x00' "$K/vmlinuz" | head -n 1 | cut -d: -f1)
	if [ -n "$off" ] && { tail -c +$((off + 1)) "$K/vmlinuz" || :; } |
		xz -dc --single-stream >"$K/vmlinux.tmp" 2>/dev/null &&
		[ "$(head -c 4 "$K/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
		mv "$K/vmlinux.tmp" "$K/vmlinux"
	else
		rm -f "$K/vmlinux.tmp"
		vm_log "prepare: no ELF kernel extracted; guests boot the bzImage (slower)"
	fi
	echo "$krel" >"$K/release"
fi
krel=$(cat "$K/release")
M=$K/root/lib/modules/$krel
[ -f "$M/kernel/drivers/block/drbd/drbd.ko" ] || die "kernel $krel has no drbd.ko"

# -- 3. initramfs: /init mounts the host's / (9p, read-only) as the lower
# layer of an overlay on tmpfs and switch_root's to vzha.init= (guest-init.sh).
INIT=$(
	cat <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_pci 9pnet_virtio 9p overlay; do modprobe $m || echo "initramfs: no $m"; done
init=/sbin/init
for a in $(cat /proc/cmdline); do case $a in vzha.init=*) init=${a#vzha.init=} ;; esac; done
i=0
until mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower; do
	i=$((i + 1)); [ $i -gt 50 ] && { echo "initramfs: cannot mount hostroot"; exec sh; }
	sleep 0.1
done
mount -t tmpfs -o size=70% upper /upper
mkdir /upper/data /upper/work
mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work overlay /newroot ||
	{ echo "initramfs: overlay failed"; exec sh; }
umount /proc /sys /dev
exec switch_root /newroot "$init"
EOF
)
if [ $FORCE = 1 ] || [ ! -s "$VM_CACHE/initramfs.cpio.gz" ] ||
	[ "$(cat "$VM_CACHE/initramfs.init" 2>/dev/null)" != "$INIT" ]; then
	vm_log "prepare: building the initramfs"
	T=$(mktemp -d)
	trap 'rm -rf "$T"' EXIT
	mkdir -p "$T"/{bin,proc,sys,dev,lower,upper,newroot}
	cp /bin/busybox "$T/bin/"
	for a in sh mount umount mkdir modprobe switch_root cat sleep echo; do
		ln -s busybox "$T/bin/$a"
	done
	printf '%s\n' "$INIT" >"$T/init"
	chmod 755 "$T/init"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		grep -E "/$m\.ko:" "$M/modules.dep" || die "module $m missing"
	done | tr -d ':' | tr ' ' '\n' | sort -u | while read -r f; do
		mkdir -p "$T/lib/modules/$krel/$(dirname "$f")"
		cp "$M/$f" "$T/lib/modules/$krel/$f"
	done
	cp "$M/modules.dep" "$T/lib/modules/$krel/"
	(cd "$T" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) \
		>"$VM_CACHE/initramfs.tmp"
	mv "$VM_CACHE/initramfs.tmp" "$VM_CACHE/initramfs.cpio.gz"
	printf '%s\n' "$INIT" >"$VM_CACHE/initramfs.init"
fi
vm_log "prepare: ready: kernel $krel, $(modinfo -F version "$M/kernel/drivers/block/drbd/drbd.ko" | sed 's/^/drbd /'), cache $VM_CACHE"
