#!/usr/bin/env bash
# Wrap dist/store-client/ (from build_bundle.sh) into a .deb for Linux counter PCs: the bundle
# under /opt/store-client/versions/<version>, /opt/store-client/current linking to it (the
# layout 'store-client upgrade apply' switches atomically), the command at /usr/bin/store-client,
# a desktop entry. Members of the group store-client may apply signed upgrades.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x dist/store-client/store-client ] || { echo "build the bundle first (packaging/build_bundle.sh)" >&2; exit 1; }
VERSION=$(dist/store-client/store-client --version | awk '{print $2}')
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
STAGE=build/deb/store-client_${VERSION}_${ARCH}
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt/store-client/versions" "$STAGE/usr/bin" "$STAGE/usr/share/applications"
cp -a dist/store-client "$STAGE/opt/store-client/versions/$VERSION"
ln -s "versions/$VERSION" "$STAGE/opt/store-client/current"
ln -s /opt/store-client/current/store-client "$STAGE/usr/bin/store-client"
cat > "$STAGE/usr/share/applications/store-client.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Store Client
Name[zh_CN]=门店收银
Exec=/opt/store-client/current/store-client run
Icon=/opt/store-client/current/_internal/resources/icons/checkout.svg
Terminal=false
Categories=Office;
DESKTOP
SIZE=$(du -sk "$STAGE/opt" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: store-client
Version: ${VERSION}
Architecture: ${ARCH}
Maintainer: Store IT <store-it@example.invalid>
Installed-Size: ${SIZE}
Depends: libc6, libegl1, libgl1, libfontconfig1, libfreetype6, libxkbcommon0, libxkbcommon-x11-0, libdbus-1-3, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1
Section: misc
Priority: optional
Description: Store counter client (point of sale)
 Self-contained build: no Python needed. Provision with
 'store-client provision --hq URL --code CODE'; check with 'store-client doctor'.
CONTROL
cat > "$STAGE/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
# the till's account, in this group, may apply signed upgrades beside the installed version
getent group store-client >/dev/null || groupadd --system store-client
chgrp store-client /opt/store-client /opt/store-client/versions
chmod 2775 /opt/store-client /opt/store-client/versions
POSTINST
chmod 755 "$STAGE/DEBIAN/postinst"
dpkg-deb -Zzstd --root-owner-group --build "$STAGE" "dist/store-client_${VERSION}_${ARCH}.deb" >/dev/null
echo "deb: dist/store-client_${VERSION}_${ARCH}.deb ($(du -h "dist/store-client_${VERSION}_${ARCH}.deb" | cut -f1))"
