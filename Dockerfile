# syntax=docker/dockerfile:1
#
# The taskmgr image (ECS, infra/): Debian 12's nginx with our module, the
# scheduler, and the web app, one image for every service; the command
# picks one (users, tasks, notifications, scheduler, or all: everything in
# one nginx).  See conf/ecs/entrypoint.sh.
#
#   docker build -t taskmgr .                  the runtime image
#   docker build --target test .               make test, in the build stage (CI)
#   docker run -e TASKMGR_USER_POOL_ID=... -e TASKMGR_CLIENT_ID=... \
#              -e TASKMGR_CURSOR_KEY=... -p 8080:8080 taskmgr all
#
# Every build step is a make target CI runs too (make module, scheduler,
# web; make test): nothing here compiles by other means.
#
# REGISTRY: a mirror of Docker Hub's official images, e.g.
# public.ecr.aws/docker/library/ (CodeBuild, Jenkins: no pull rate limit).
ARG REGISTRY=

# --- build: Debian 12 (bookworm) with Node.js 20 for the web build and the
# local stack's stand-ins; the Debian packages come from scripts/deps.sh,
# the same list every developer and CI machine installs
FROM ${REGISTRY}node:20-bookworm AS build
ENV DEBIAN_FRONTEND=noninteractive NEXT_TELEMETRY_DISABLED=1
WORKDIR /src
COPY scripts/deps.sh scripts/deps.sh
COPY package.json package-lock.json ./
RUN scripts/deps.sh
COPY . .
RUN make module scheduler web

# --- test: every suite (unit, API against dynalite and cognito-local,
# scheduler, e2e, infra...), as CI runs them
FROM build AS test
RUN make test

# --- runtime: Debian 12 slim, nginx 1.22 (the version the module was
# built against, --with-compat), the module's and scheduler's libraries,
# and nchan (push, GET /api/events: Debian's libnginx-mod-nchan 1.3.6,
# built for that nginx, the module scripts/deps.sh installs for CI)
FROM ${REGISTRY}debian:12-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        nginx libnginx-mod-nchan libjansson4 libcurl4 libssl3 libunistring2 libical3 tzdata ca-certificates gettext-base curl \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
 && groupadd --system --gid 10001 taskmgr \
 && useradd --system --uid 10001 --gid taskmgr --home-dir /nonexistent --shell /usr/sbin/nologin taskmgr \
 && install -d -o taskmgr -g taskmgr -m 0700 /run/taskmgr

COPY --from=build /src/objs/ngx_taskmgr_module.so /usr/lib/nginx/modules/ngx_taskmgr_module.so
COPY --from=build /src/build/taskmgr-scheduler /usr/local/bin/taskmgr-scheduler
COPY --from=build /src/web/out /usr/share/taskmgr/web
COPY conf/ecs/*.conf.in /etc/taskmgr/templates/
COPY conf/ecs/entrypoint.sh /usr/local/bin/taskmgr-entrypoint

ENV TASKMGR_TEMPLATES=/etc/taskmgr/templates \
    TASKMGR_RUN=/run/taskmgr \
    TASKMGR_PORT=8080

USER 10001:10001
EXPOSE 8080
# alive = nginx and the module answer /api/health (200, or 503 when a
# backend is down: the ALB's business); the scheduler: its process runs
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/taskmgr-entrypoint", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/taskmgr-entrypoint"]
CMD ["all"]
