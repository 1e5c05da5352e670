# Evaluation harness (included by the main Makefile: include $(wildcard mk/*.mk)).
#
#   make eval              DUC 2004 task 2, 100 words: ours + live peers + SumRepo peers
#   make eval-calibrate    check the scorer against published ROUGE-1.5.5 numbers
#   make eval-duc2007      DUC 2007 main task, 250 words, query-focused, jackknifed
#
# The data is licensed for evaluation only and lives outside the repository.

EVAL_DATA ?= ../shared/eval
PY ?= .venv/bin/python
EVAL_RESULTS ?= bench/results
EVAL_LIVE_PEERS ?= sumy-lexrank,sumy-textrank,lexrank
EVAL_ARGS ?=

.PHONY: eval eval-calibrate eval-duc2007

eval: ## DUC 2004, 100 words: ours, live peers, SumRepo peers -> bench/results
	$(PY) -m service.evaluate $(EVAL_DATA)/duc2004_task2.jsonl --words 100 \
		--peers $(EVAL_DATA)/duc2004_task2_sumrepo_peers.jsonl \
		--live-peers $(EVAL_LIVE_PEERS) \
		--json $(EVAL_RESULTS)/eval-duc2004.json $(EVAL_ARGS)

eval-calibrate: ## the ROUGE scorer against published ROUGE-1.5.5 numbers
	$(PY) -m service.evaluation.calibrate $(EVAL_DATA)/duc2004_task2.jsonl \
		$(EVAL_DATA)/duc2004_task2_sumrepo_peers.jsonl

# Needs SummaryOptions.query in the summariser; the peers file holds NIST's peers.
eval-duc2007: ## DUC 2007, 250 words, query-focused, jackknifed
	$(PY) -m service.evaluate $(EVAL_DATA)/duc2007_query.jsonl --words 250 \
		--no-truncate-refs --jackknife --query-field title,narrative \
		--peers $(EVAL_DATA)/duc2007_nist_peers.jsonl \
		--json $(EVAL_RESULTS)/eval-duc2007.json $(EVAL_ARGS)
