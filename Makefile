# Appward: `make run` serves the console, `make test` checks everything.
# Both install what a fresh Debian machine with Rust lacks, and skip what is there.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

CACHE ?= $(HOME)/.cache/appward
# Builds live outside the clone, so a warm machine reuses every compiled dependency.
export CARGO_TARGET_DIR ?= $(CACHE)/target
TOOLS := $(CACHE)/tools
export PATH := $(TOOLS)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
BINARYEN_VERSION := 132.0.0
OHA_VERSION := 1.16.0

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

# The PostgreSQL server the tests create their databases on.
PG_TEST_URL := $(or $(DATABASE_URL),postgres://postgres:postgres@127.0.0.1:5432/postgres)

E2E_ADDR := 127.0.0.1:3107
E2E_DATA := $(CACHE)/e2e-data
E2E_ADMIN_PASSWORD := e2e-admin-password

.PHONY: basics run test bench package server-lto zopfli screenshots tools load-tool browser postgres nginx fmt-check clippy test-sqlite service-check test-faults test-operations test-postgres test-postgres-faults end2end

## Build in release mode and serve on the embedded SQLite database at http://127.0.0.1:3000.
run: basics tools zopfli
	cargo leptos build --release --precompress --split
	$(ZOPFLI_SITE)
	"$(CARGO_TARGET_DIR)/release/appward"

## Format check, clippy (server and wasm32), Rust tests on SQLite and PostgreSQL, the fault
## tests (SQLite, then a throwaway PostgreSQL cluster), the operator's commands, the
## systemd unit, Playwright.
test: basics tools browser postgres nginx fmt-check clippy test-sqlite service-check test-faults test-operations test-postgres test-postgres-faults end2end

## Release build (server with LTO), a bare axum ceiling, fresh SQLite database, load from oha
## (median of 3 runs per row); a table and bench/results/latest.json.
## With DATABASE_URL (PostgreSQL), the OAuth rows run again on a new database on that server.
bench: tools load-tool server-lto
	cargo build --profile release-lto --manifest-path bench/ceiling/Cargo.toml
	python3 bench/run.py

## What a release ships: the site (target/site) and the server built with LTO
## ($(CARGO_TARGET_DIR)/release-lto/appward). PREVIOUS_SITE=<the last release's site folder>
## keeps its hashed bundle files servable beside the new ones (for a rolling upgrade).
package: tools server-lto
	@[ -z "$(PREVIOUS_SITE)" ] || python3 tools/keep_previous_site.py "$(PREVIOUS_SITE)" target/site

# Link-time optimisation pays at run time, and costs minutes of linking: only `make bench`
# and `make package` build this profile; `cargo leptos build --release` (CI, end2end) does not.
# The same cfg cargo-leptos gives its release builds (always-erase-components).
server-lto: zopfli
	cargo leptos build --release --precompress --split --frontend-only
	RUSTFLAGS="--cfg erase_components" cargo build --profile release-lto --features ssr --bin appward
	cp "$(CARGO_TARGET_DIR)/release/hash.txt" "$(CARGO_TARGET_DIR)/release-lto/hash.txt"
	$(ZOPFLI_SITE)

# cargo-leptos's gzip files are made at a fast level (17% larger than gzip -9 on the wasm).
# Zopfli writes the same format, 4% smaller than gzip -9: the .gz files served to a browser
# that takes gzip but not Brotli (`make run`, `make package`, `make bench`).
ZOPFLI_SITE = for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do zopfli "$$file"; done

zopfli:
	@command -v zopfli >/dev/null || { $(APT) update && $(APT) install -y zopfli; }

SHOT_ADDR := 127.0.0.1:3108
SHOT_DATA := $(CACHE)/screenshot-data

## PNGs of the main pages (light, dark, 360 px) from the release build, into end2end/screenshots/.
screenshots: tools browser
	cargo leptos build --release --precompress --split
	rm -rf "$(SHOT_DATA)" && mkdir -p "$(SHOT_DATA)" end2end/screenshots
	LEPTOS_SITE_ADDR=$(SHOT_ADDR) LEPTOS_SITE_ROOT=target/site APPWARD_DATA_DIR="$(SHOT_DATA)" \
		APPWARD_ADMIN_PASSWORD=$(E2E_ADMIN_PASSWORD) DATABASE_URL= RUST_LOG=warn \
		"$(CARGO_TARGET_DIR)/release/appward" & server=$$!; \
		trap "kill $$server" EXIT; \
		cd end2end && APPWARD_E2E_URL=http://$(SHOT_ADDR) npx playwright test --config screenshots.config.ts

load-tool:
	@oha --version 2>/dev/null | grep -q "$(OHA_VERSION)" \
		|| cargo install oha --version $(OHA_VERSION) --locked

# What the other steps run besides Rust: Node.js and npm (wasm-opt, Playwright), Python 3
# (the module-cycle check, the benchmark, the report of failed browser tests).
basics:
	@command -v node >/dev/null && command -v npm >/dev/null && command -v python3 >/dev/null \
		|| { $(APT) update && $(APT) install -y nodejs npm python3; }

tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" \
		|| cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
		|| CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback \
			cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@# Debian's wasm-opt (108) silently breaks hydration of release builds: use npm's.
	@[ -x "$(TOOLS)/node_modules/.bin/wasm-opt" ] \
		|| npm install --prefix "$(TOOLS)" --no-save binaryen@$(BINARYEN_VERSION)

browser:
	@command -v chromium >/dev/null || { $(APT) update && $(APT) install -y chromium chromium-driver; }
	@[ -d end2end/node_modules/@playwright/test ] && [ -d end2end/node_modules/oauth4webapi ] && [ -d end2end/node_modules/@axe-core/playwright ] && [ -d end2end/node_modules/jose ] || (cd end2end && npm ci)

postgres:
ifeq ($(DATABASE_URL),)
	@command -v pg_ctlcluster >/dev/null || { $(APT) update && $(APT) install -y postgresql; }
	@version=$$(ls /usr/lib/postgresql | sort -n | tail -1); \
		pg_lsclusters -h | grep -q "^$$version main .* online" \
		|| $(SUDO) pg_ctlcluster $$version main start
	@$(SUDO) su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
endif

# The reverse proxy of the embedding end-to-end test (a portal framing the console under /console).
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { $(APT) update && $(APT) install -y nginx; }

fmt-check:
	cargo fmt --all -- --check
	python3 tools/check_module_cycles.py

clippy:
	cargo clippy --all-targets --features ssr -- -D warnings
	cargo clippy -p migration -- -D warnings
	cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

test-sqlite:
	cargo test --features ssr --lib --bins --test it

# The systemd unit (deploy/appward.service) as systemd reads it, its ExecStart pointed at the
# binary test-sqlite built and its EnvironmentFile at the example. `systemd-analyze verify`
# exits 0 on some warnings (an unknown key is "ignored"), so any output fails too.
service-check:
	@command -v systemd-analyze >/dev/null || { $(APT) update && $(APT) install -y systemd; }
	cargo build --features ssr --bin appward
	dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	sed -e "s|^ExecStart=/usr/local/bin/appward|ExecStart=$(CARGO_TARGET_DIR)/debug/appward|" \
		-e "s|^EnvironmentFile=.*|EnvironmentFile=$$dir/appward.env|" \
		deploy/appward.service > "$$dir/appward.service"; \
	cp deploy/appward.env.example "$$dir/appward.env"; \
	systemd-analyze verify "$$dir/appward.service" > "$$dir/out" 2>&1 || { cat "$$dir/out"; exit 1; }; \
	if [ -s "$$dir/out" ]; then cat "$$dir/out"; echo "systemd-analyze had something to say: see above"; exit 1; fi

# Faults met by the server binary (tests/faults): they time answers and measure memory, so
# they run alone, one at a time, and only on SQLite.
test-faults:
	cargo test --features ssr --test faults -- --test-threads=1

# The operator's commands and scheduled backups through the server binary (tests/operations):
# one of them times token requests during a backup, so they run one at a time, on SQLite.
test-operations:
	cargo test --features ssr --test operations -- --test-threads=1

test-postgres:
	APPWARD_TEST_DATABASE_URL=$(PG_TEST_URL) cargo test --features ssr --test it

# A throwaway PostgreSQL cluster (initdb + pg_ctl as the postgres user, port $(PG_FAULTS_PORT)),
# which tests/faults_postgres restarts under load; the shared test server is never touched.
PG_FAULTS_DIR := /tmp/appward-pg-faults
PG_FAULTS_PORT := 55499
test-postgres-faults:
	@command -v pg_ctlcluster >/dev/null || { $(APT) update && $(APT) install -y postgresql; }
	pgbin=/usr/lib/postgresql/$$(ls /usr/lib/postgresql | sort -n | tail -1)/bin; \
	as_postgres() { if [ "$$(id -un)" = postgres ]; then sh -c "$$1"; else $(SUDO) su postgres -c "$$1"; fi; }; \
	rm -rf "$(PG_FAULTS_DIR)" && mkdir -p "$(PG_FAULTS_DIR)" && chown postgres "$(PG_FAULTS_DIR)"; \
	as_postgres "$$pgbin/initdb -D $(PG_FAULTS_DIR)/data -U postgres --auth=trust" >/dev/null; \
	ctl="$$pgbin/pg_ctl -D $(PG_FAULTS_DIR)/data -l $(PG_FAULTS_DIR)/log -w"; \
	as_postgres "$$ctl -o '-p $(PG_FAULTS_PORT) -k $(PG_FAULTS_DIR) -c listen_addresses=127.0.0.1' start" >/dev/null; \
	trap 'as_postgres "$$ctl -m immediate stop" >/dev/null; rm -rf "$(PG_FAULTS_DIR)"' EXIT; \
	APPWARD_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$(PG_FAULTS_PORT)/postgres \
	APPWARD_TEST_PG_CTL="$(SUDO) su postgres -c \"$$ctl -m fast restart\"" \
		cargo test --features ssr --test faults_postgres -- --test-threads=1

# The release build: some breakage (wasm-opt, hydration) shows only there. Then the same
# build framed by a portal behind nginx (end2end/embedding.config.ts starts both itself).
end2end: tools browser nginx
	rm -rf "$(E2E_DATA)"
	LEPTOS_SITE_ADDR=$(E2E_ADDR) APPWARD_E2E_URL=http://$(E2E_ADDR) \
		APPWARD_DATA_DIR="$(E2E_DATA)" APPWARD_ADMIN_PASSWORD=$(E2E_ADMIN_PASSWORD) \
		DATABASE_URL= RUST_LOG=warn \
		cargo leptos end-to-end --release --precompress --split \
		|| { python3 end2end/report_failures.py end2end/test-results/console-report.json; exit 1; }
	cd end2end && APPWARD_ADMIN_PASSWORD=$(E2E_ADMIN_PASSWORD) npx playwright test --config embedding.config.ts \
		|| { python3 report_failures.py test-results/embedding-report.json; exit 1; }
