# assets.mk — third-party front-end files fetched at build time (see scripts/fetch-assets.sh).
# Included by the Makefile; `build`, `run` and `test` should depend on `assets`, because the binary
# embeds these files and is useless without them.

ASSET_FILES := static/vendor/echarts.min.js static/vendor/echarts.min.js.gz \
	static/maps/qujing.json static/maps/qujing.json.gz

.PHONY: assets assets-clean

# Checks every file's checksum and fetches only what is missing or wrong; no network when up to date.
assets: ## fetch the pinned browser assets (ECharts, county map) with npm; no network when up to date
	@sh scripts/fetch-assets.sh

# The files as make targets, for rules that need one of them; touched after the checksum check so
# make sees them newer than their inputs even when nothing had to be fetched.
$(ASSET_FILES) &: scripts/fetch-assets.sh tools/countymap/main.go plans/qujing-2023-2025.json
	@sh scripts/fetch-assets.sh
	@touch $(ASSET_FILES)

assets-clean: ## remove the fetched browser assets
	rm -f $(ASSET_FILES) static/vendor/*.LICENSE.txt static/maps/*.LICENSE.txt
