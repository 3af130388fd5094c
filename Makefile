# Makefile - the short way in: `make demo` and `make check` (see README.md).
# The build itself is CMake's; this file only strings the steps together.

BUILD ?= build
ASAN_BUILD ?= build-sanitize
JOBS ?= 2
DEMO_DB ?= $(BUILD)/demo.db
PLOTLINE = $(BUILD)/plotline

.PHONY: all deps build demo check test test-asan fuzz format format-check model clean

all: build

deps:
	@tools/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Loads the sample synopses into a fresh database and runs example searches.
demo: build
	@rm -rf $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).idx
	$(PLOTLINE) --db $(DEMO_DB) import data/samples/000_a745887c23e04ec9.txt --series "Sex and the City" --season 1
	$(PLOTLINE) --db $(DEMO_DB) import data/samples/003_c8ee2d876f44739e.txt
	$(PLOTLINE) langid < data/samples/003_c8ee2d876f44739e.txt
	$(PLOTLINE) --db $(DEMO_DB) search --limit 3 "Kreditkarte zerschnitten"
	$(PLOTLINE) --db $(DEMO_DB) search --limit 3 Schwangerschaftstest
	$(PLOTLINE) --db $(DEMO_DB) search --limit 3 Herz-OP
	$(PLOTLINE) --db $(DEMO_DB) search --json --limit 1 "Schildkröte mit Mundgeruch"
	$(PLOTLINE) --db $(DEMO_DB) stats

# Every test, then every test again under AddressSanitizer and UBSan, built
# with clang: its UBSan also checks pointer arithmetic (a null pointer plus
# zero), which gcc's lets pass.
check: test test-asan

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPLOTLINE_SANITIZE=ON \
	  -DCMAKE_C_COMPILER=clang >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# The libFuzzer targets (tests/fuzz/), FUZZ_SECONDS each (default 60);
# installs clang when it is missing.
fuzz:
	@tests/fuzz/run.sh

# Lays out every C file as .clang-format says (format), or lists those that
# differ (format-check); needs clang-format (Debian's clang-format package).
C_FILES = $(shell git ls-files '*.c' '*.h')
format:
	clang-format -i $(C_FILES)
format-check:
	clang-format --dry-run --Werror $(C_FILES)

# Rebuilds data/langid/model.bin from the packaged training text.
model:
	tools/langid/build-model.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-asan build-fuzz
