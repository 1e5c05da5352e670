# Benchmarks (issue 4; included by the main Makefile: include $(wildcard mk/*.mk)).
#
#   make bench         latency (sample story, a DUC 2007 topic, 1k-20k sentences), peers
#                      (sumy, lexrank), encoder floor, throughput, growth; ~20-40 min
#   make bench-quick   sample story + 1k sentences + a short throughput run; < 3 min
#
# Needs the peers (sumy, lexrank): pip install -e '.[bench]' (make bench-install).
# Markdown on stdout, JSON in bench/results/bench.json (gitignored).

BENCH_DATA ?= ../shared
BENCH_ARGS ?=
PY ?= .venv/bin/python

.PHONY: bench bench-quick bench-install

bench: ## latency, peers, encoder floor, throughput, growth (long)
	$(PY) bench/run.py --shared $(BENCH_DATA) $(BENCH_ARGS)

bench-quick: ## a small bench: sample story, 1k sentences, short throughput (< 3 min)
	$(PY) bench/run.py --shared $(BENCH_DATA) --quick $(BENCH_ARGS)

bench-install: ## install the bench extra (sumy, lexrank, psutil) into the venv
	$(PY) -m pip install --quiet "torch==2.13.0" -e ".[export,bench]"
