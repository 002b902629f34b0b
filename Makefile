# A thin layer over CMake presets (CMakePresets.json). `make run` and `make test` install what
# they need themselves on Debian 12.
JOBS ?= $(shell nproc)

.PHONY: all deps build run test dev format tidy bench clean

all: build

deps:
	@scripts/install-deps.sh build test

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

# Starts apkd with a demo org and packages and prints how to use it with apk (Ctrl-C stops).
run: build
	@scripts/demo-serve.sh build/release

# The whole suite as CI runs it: clang 14 with ASan+UBSan, unit, integration and fuzz tests.
test: deps
	cmake --preset ci >/dev/null
	cmake --build --preset ci -j $(JOBS)
	ctest --preset ci -j $(JOBS)

# Day-to-day: g++ Debug with sanitizers, unit tests only.
dev: deps
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)
	ctest --preset dev -L unit -j $(JOBS)

bench: build
	cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DAPKD_BUILD_TESTS=OFF >/dev/null
	cmake --build build/bench -j $(JOBS) --target apkd_index_bench apkd_incremental_index_bench \
	  apkd_service_publish_bench apkd apkctl
	bench/run_index_bench.sh build/bench
	build/bench/bench/apkd_incremental_index_bench
	build/bench/bench/apkd_service_publish_bench
	bench/serve_vs_nginx.sh build/bench

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

tidy: deps
	cmake --preset tidy >/dev/null
	cmake --build --preset tidy -j $(JOBS)

clean:
	rm -rf build demo
