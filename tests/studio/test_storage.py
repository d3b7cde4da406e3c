"""Telling a studio file on a network share from one on this computer's own disk."""

from __future__ import annotations

import pytest

from studio.storage import Mount, mount_of, network_location, parse_mountinfo, parse_mounts, unc_share

# A desktop's /proc/self/mountinfo, trimmed: the root disk, a home partition, an SMB share, an
# NFS export, a share whose folder name has a space (written \040), sshfs, a tmpfs, a USB stick,
# and an NFS mount later hidden by a local one mounted over the same point.
MOUNTINFO = r"""
22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
24 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
30 22 259:3 / /home rw,relatime shared:2 - ext4 /dev/nvme0n1p3 rw
141 30 0:52 / /home/maria/Studio rw,relatime shared:80 - cifs //nas.local/studio rw,vers=3.1.1,cache=strict,username=maria,uid=1000,forceuid,gid=1000,forcegid,addr=192.168.1.20,file_mode=0755,dir_mode=0755,soft,nounix,serverino,mapposix,rsize=4194304,wsize=4194304,bsize=1048576,echo_interval=60,actimeo=1
150 22 0:60 / /srv/studio rw,relatime shared:90 - nfs4 nas.local:/export/studio rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=192.168.1.31,local_lock=none,addr=192.168.1.20
151 22 0:61 / /mnt/front\040desk rw,relatime shared:91 - smb3 //nas/front\040desk rw,vers=3.0
160 30 0:70 / /home/maria/remote rw,nosuid,nodev,relatime shared:95 - fuse.sshfs maria@studio-server:/srv rw,user_id=1000,group_id=1000
40 22 0:35 / /tmp rw,nosuid,nodev shared:20 - tmpfs tmpfs rw,size=8126432k
170 22 8:17 / /media/maria/USB\040STICK rw,nosuid,nodev,relatime shared:99 - vfat /dev/sdb1 rw,fmask=0022,dmask=0022
180 22 0:80 / /data rw,relatime shared:100 - nfs nas:/data rw,vers=3
181 22 259:4 / /data rw,relatime shared:101 - xfs /dev/nvme0n1p4 rw
"""


def test_mountinfo_lines_are_read_with_their_escapes():
    mounts = parse_mountinfo(MOUNTINFO)
    assert Mount("/", "ext4", "/dev/nvme0n1p2") in mounts
    assert Mount("/mnt/front desk", "smb3", "//nas/front desk") in mounts
    assert Mount("/media/maria/USB STICK", "vfat", "/dev/sdb1") in mounts
    assert Mount("/home/maria/remote", "fuse.sshfs", "maria@studio-server:/srv") in mounts
    assert len(mounts) == 11


def test_lines_that_are_not_mountinfo_are_skipped():
    assert parse_mountinfo("garbage\n\n1 2 3\n36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw") == [Mount("/mnt2", "ext3", "/dev/root")]


def test_proc_mounts_lines_are_read_too():
    assert parse_mounts("//nas/front\\040desk /mnt/front\\040desk cifs rw,vers=3.0 0 0\n") == [
        Mount("/mnt/front desk", "cifs", "//nas/front desk")
    ]


@pytest.mark.parametrize(
    ("path", "remote"),
    [
        ("/home/maria/Studio/upright.sqlite", "a network share (SMB: //nas.local/studio mounted at /home/maria/Studio)"),
        ("/home/maria/Studio/backups/deep/upright.sqlite", "a network share (SMB: //nas.local/studio mounted at /home/maria/Studio)"),
        ("/srv/studio/upright.sqlite", "a network share (NFS: nas.local:/export/studio mounted at /srv/studio)"),
        ("/mnt/front desk/upright.sqlite", "a network share (SMB: //nas/front desk mounted at /mnt/front desk)"),
        ("/home/maria/remote/upright.sqlite", "a network share (SSH (sshfs): maria@studio-server:/srv mounted at /home/maria/remote)"),
        # Local: the home disk, a folder whose name only starts like a share's, a USB stick, and a
        # local disk mounted over an NFS export.
        ("/home/maria/.local/share/Upright/upright.sqlite", None),
        ("/home/maria/Studio-old/upright.sqlite", None),
        ("/media/maria/USB STICK/upright.sqlite", None),
        ("/data/upright.sqlite", None),
        ("/tmp/upright.sqlite", None),
    ],
)
def test_a_file_on_a_network_share_is_told_apart(path, remote):
    assert network_location(path, platform="linux", mount_table=MOUNTINFO) == remote


def test_the_longest_mount_point_wins():
    mounts = parse_mountinfo(MOUNTINFO)
    assert mount_of("/home/maria/Studio/x", mounts).point == "/home/maria/Studio"
    assert mount_of("/home/maria/x", mounts).point == "/home"
    assert mount_of("/etc/passwd", mounts).point == "/"


@pytest.mark.parametrize(
    ("path", "share"),
    [
        (r"\\nas\studio\upright.sqlite", r"\\nas\studio"),
        (r"\\NAS.local\Front Desk\Upright\upright.sqlite", r"\\NAS.local\Front Desk"),
        ("//nas/studio/upright.sqlite", r"\\nas\studio"),
        (r"\\?\UNC\nas\studio\upright.sqlite", r"\\nas\studio"),
        (r"\\?\C:\Users\maria\upright.sqlite", None),  # a long local path, not a share
        (r"\\.\PhysicalDrive0", None),
        (r"C:\Users\maria\AppData\Local\Upright\upright.sqlite", None),
        (r"\\nas", None),
    ],
)
def test_windows_unc_paths_are_shares(path, share):
    assert unc_share(path) == share


def test_a_unc_path_is_a_network_location_on_windows():
    assert network_location(r"\\nas\studio\upright.sqlite", platform="win32") == r"the network share \\nas\studio"


def test_this_computers_own_temporary_folder_is_not_a_share(tmp_path):
    # Whatever this machine mounts, the test's temporary folder is local on CI and developer
    # machines alike; the real /proc/self/mountinfo is read.
    assert network_location(tmp_path / "upright.sqlite") is None
