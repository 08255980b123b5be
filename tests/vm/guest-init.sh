#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/guest-init.sh -- PID 1 of a VM-tier guest (see lib.sh). The
# initramfs execs it from the host's / (read-only 9p under a tmpfs overlay),
# so an edit here counts from the next boot. It makes a DRBD node out of
# the host's userland: private state dirs, the guest kernel's modules,
# hostname and address on the private NIC, /etc/hosts, /etc/drbd.conf,
# VG VGroup00 with LVs db and apps on /dev/vda (created on a blank disk,
# activated otherwise); then it serves lib.sh's command drop in /vm/cmd.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
exec </dev/null >/dev/console 2>&1
bb=/bin/busybox # static: ~5x cheaper to exec than dynamic tools under TCG
log() { echo "guest-init[$($bb cut -d' ' -f1 /proc/uptime)]: $*"; }

$bb mount -t proc proc /proc
$bb mount -t sysfs sys /sys
$bb mount -t devtmpfs dev /dev
$bb mkdir -p /dev/pts /dev/shm
$bb mount -t devpts devpts /dev/pts
$bb mount -t tmpfs tmpfs /dev/shm
# the host's files there would show through the overlay: hide them
for d in /run /tmp /var/tmp /var/log /var/lib/drbd; do
	$bb mount -t tmpfs -o mode=755 tmpfs "$d"
done
$bb chmod 1777 /tmp /var/tmp
$bb mkdir -p /run/lock /run/lvm /run/drbd

name=guest cache='' lvmb=32
for a in $(</proc/cmdline); do
	case $a in
	vzha.name=*) name=${a#*=} ;;
	vzha.cache=*) cache=${a#*=} ;;
	vzha.lvmb=*) lvmb=${a#*=} ;;
	esac
done
case $name in deimos) idx=1 ;; phobos) idx=2 ;; *) idx=9 ;; esac
$bb hostname "$name"
echo "$name" >/etc/hostname

# the guest kernel's modules (the host has none for it)
krel=$($bb uname -r)
$bb mkdir -p "/usr/lib/modules/$krel"
$bb mount --bind "$cache/kernel/root/lib/modules/$krel" "/usr/lib/modules/$krel"
modprobe -a virtio_net virtio_blk dm_mod ext4 drbd || log "modprobe failed"

# /vm: this guest's share (command drop); /vm/shared: common to all three
$bb mkdir -p /vm
$bb mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 vmxfer /vm || log "no /vm"
$bb mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 vmshared /vm/shared ||
	log "no /vm/shared"

# the private NIC, the only one
$bb ip link set lo up
$bb ip link set eth0 up
$bb ip addr add "10.99.0.$idx/24" dev eth0
printf '127.0.0.1 localhost\n10.99.0.1 deimos\n10.99.0.2 phobos\n' >/etc/hosts

# DRBD: the project's config, nothing of the host's
# (from the shared folder: this script's own folder may be under the host's
# /tmp, which the tmpfs above now hides)
$bb cp /vm/shared/drbd.conf /etc/drbd.conf ||
	$bb cp "$(dirname "$0")/drbd.conf" /etc/drbd.conf
$bb rm -rf /etc/drbd.d

# LVM without udev (none runs here); the seed's VG and LVs on /dev/vda
printf 'activation {\n udev_sync = 0\n udev_rules = 0\n}\ndevices {\n obtain_device_list_from_udev = 0\n}\n' \
	>/etc/lvm/lvmlocal.conf
if $bb dd if=/dev/vda bs=512 skip=1 count=1 2>/dev/null | $bb grep -q LABELONE; then
	vgchange -q -ay VGroup00 >/dev/null || log "vgchange failed"
else
	{ pvcreate -q -y /dev/vda && vgcreate -q VGroup00 /dev/vda &&
		lvcreate -q -y -W n -L "${lvmb}M" -n db VGroup00 &&
		lvcreate -q -y -W n -L "${lvmb}M" -n apps VGroup00; } >/dev/null ||
		log "LVM setup failed"
fi

log "ready: $name 10.99.0.$idx kernel $krel $($bb head -n 1 /proc/drbd)"
$bb cut -d' ' -f1 /proc/uptime >/vm/ready

# the command drop: ID.sh -> ID.run, then ID.out, ID.err and last ID.rc
cd /vm/cmd || exit 1
while :; do
	for f in *.sh; do
		[ -e "$f" ] || continue
		id=${f%.sh}
		$bb mv -f "$f" "$id.run" || continue
		(
			bash "$id.run" >"$id.out" 2>"$id.err"
			echo $? >"$id.tmp"
			$bb mv -f "$id.tmp" "$id.rc"
		) &
	done
	$bb sleep 0.2
done
