# web/: the Next.js app as a static export in web/out, which nginx serves at
# / (scripts/render-conf.sh points the root there once it exists).  npm ci
# when node_modules is missing or older than the lock; the build reruns only
# when a source changes.  Its last step writes out/csp-script-src.txt, so
# that file stands for a complete build.

WEB_SRCS := $(shell find web/app web/components web/lib web/public -type f 2> /dev/null) \
            web/package.json web/package-lock.json web/next.config.mjs \
            web/tsconfig.json web/scripts/postbuild.mjs web/scripts/compress.mjs web/scripts/firstLoad.mjs
WEB_OUT  := web/out/csp-script-src.txt

.PHONY: web web-clean own-js

all: web

web: $(WEB_OUT)

# one npm ci / next build at a time in this tree (two makes at once would
# wreck each other's .next/)
WEB_LOCK := flock web/.build-lock

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && $(WEB_LOCK:web/%=%) npm ci --no-audit --no-fund

$(WEB_OUT): web/node_modules/.package-lock.json $(WEB_SRCS)
	cd web && $(WEB_LOCK:web/%=%) env NEXT_TELEMETRY_DISABLED=1 npm run build

# the app's own JS per page: first load minus an empty page of the same
# Next.js and config (built once into web/.own-js-baseline/); budget 25 kB
own-js: web
	cd web && node scripts/own-js.mjs --check

clean: web-clean

web-clean:
	rm -rf web/out web/.next web/.own-js-baseline
