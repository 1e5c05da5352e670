# Evaluation harness (included by the main Makefile: include $(wildcard mk/*.mk)).
#
#   make eval              DUC 2004 task 2, 100 words: ours + live peers + SumRepo peers
#   make eval-calibrate    check the scorer against published ROUGE-1.5.5 numbers
#   make eval-duc2007      DUC 2007 main task, 250 words, query-focused, jackknifed
#   make eval-readability  fragments and dangling openers per 100 sentences (run by make eval)
#
# The data is licensed for evaluation only and lives outside the repository.

EVAL_DATA ?= ../shared/eval
PY ?= .venv/bin/python
EVAL_RESULTS ?= bench/results
EVAL_LIVE_PEERS ?= sumy-lexrank,sumy-textrank,lexrank
EVAL_ARGS ?=

.PHONY: eval eval-calibrate eval-duc2007 eval-readability

eval: ## DUC 2004, 100 words: ours, live peers, SumRepo peers -> bench/results; then eval-readability
	$(PY) -m service.evaluate $(EVAL_DATA)/duc2004_task2.jsonl --words 100 \
		--peers $(EVAL_DATA)/duc2004_task2_sumrepo_peers.jsonl \
		--live-peers $(EVAL_LIVE_PEERS) \
		--json $(EVAL_RESULTS)/eval-duc2004.json $(EVAL_ARGS)
	$(MAKE) --no-print-directory eval-readability

# Fragments and dangling openers per 100 summary sentences (service.evaluation.readability):
# ours (hybrid and lexical), the published systems and the human references, DUC 2004 and
# DUC 2007 at 100 and 250 words.
READABILITY_ARGS ?=
eval-readability: ## fragments and dangling openers per 100 sentences: ours, peers, humans
	$(PY) -m service.evaluation.readability $(EVAL_DATA) --words 100,250 \
		--similarity hybrid,lexical --json $(EVAL_RESULTS)/eval-readability.json $(READABILITY_ARGS)

eval-calibrate: ## the ROUGE scorer against published ROUGE-1.5.5 numbers
	$(PY) -m service.evaluation.calibrate $(EVAL_DATA)/duc2004_task2.jsonl \
		$(EVAL_DATA)/duc2004_task2_sumrepo_peers.jsonl

# Focused (options.query = title. narrative.) beside generic (no query, ours-KIND-generic),
# with NIST's peers scored by the same scorer in the same run. EVAL_ARGS="--similarity lexical"
# for the lexical-only summariser.
eval-duc2007: ## DUC 2007, 250 words, query-focused vs generic, jackknifed
	$(PY) -m service.evaluate $(EVAL_DATA)/duc2007_query.jsonl --words 250 \
		--no-truncate-refs --jackknife --query-field title,narrative --with-generic \
		--peers $(EVAL_DATA)/duc2007_nist_peers.jsonl \
		--json $(EVAL_RESULTS)/eval-duc2007.json $(EVAL_ARGS)

# CI's quality gate: the first EVAL_SMOKE_CLUSTERS clusters of DUC 2004 at 100 words with the
# service's default options; fails below the floor. The floors sit well under what the
# defaults score on these clusters (R-2 about 11-12, R-1 about 40), at the level of the
# published systems, so a real regression trips them and noise does not.
EVAL_SMOKE_CLUSTERS ?= 5
EVAL_SMOKE_MIN_R2 ?= 9.3
EVAL_SMOKE_MIN_R1 ?= 37.0

.PHONY: eval-smoke
eval-smoke: ## quality gate: a few DUC 2004 clusters, fails below the ROUGE floor
	@mkdir -p $(EVAL_RESULTS)
	$(PY) -m service.evaluate $(EVAL_DATA)/duc2004_task2.jsonl --words 100 --limit $(EVAL_SMOKE_CLUSTERS) \
		--no-progress --json $(EVAL_RESULTS)/eval-smoke.json
	$(PY) -m service.evaluation.gate $(EVAL_RESULTS)/eval-smoke.json \
		--min-r1 $(EVAL_SMOKE_MIN_R1) --min-r2 $(EVAL_SMOKE_MIN_R2)

# Choose ranking parameters by 5-fold cross-validation over the DUC 2004 clusters:
#   make eval-crossval CV_GRID='selection.unigram_weight=3,4,5;selection.bigram_ratio=0,0.5'
# (each name a stage's field of RankingParams: segmentation, graph, shortlist, selection, query)
# Prints in-sample and held-out R-1/R-2 per point and the held-out score of the CV choice
# (criterion: best training R-1 among points with training R-2 >= the defaults').
CV_GRID ?=
CV_SIMILARITY ?= lexical

.PHONY: eval-crossval
eval-crossval: ## DUC 2004, 100 words: 5-fold CV of a RankingParams grid (CV_GRID=...)
	$(PY) -m service.evaluation.crossval $(EVAL_DATA)/duc2004_task2.jsonl --words 100 \
		--grid '$(CV_GRID)' --similarity $(CV_SIMILARITY) --no-progress

# Every output of the summariser on the sample story and the DUC clusters, for proving
# that a change alters no summary, score or citation (bench/snapshot.py; --compare diffs):
#   make snapshot SNAPSHOT=/tmp/before.jsonl ... make snapshot SNAPSHOT=/tmp/after.jsonl
#   .venv/bin/python bench/snapshot.py --compare /tmp/before.jsonl /tmp/after.jsonl
SNAPSHOT ?= bench/results/snapshot.jsonl

.PHONY: snapshot
snapshot: ## every summary field on the sample story and DUC clusters -> SNAPSHOT
	@mkdir -p $(dir $(SNAPSHOT))
	$(PY) bench/snapshot.py --shared $(dir $(EVAL_DATA:/=)) --output $(SNAPSHOT)

# The claim layer on MRPC's 4,076 sentence pairs, each a two-article story posted to
# /v1/claims in process (service.evaluation.claims_check): same-claim accuracy/F1 beside
# MiniLM and TF-IDF cosine thresholds tuned on the same pairs, then the recall of
# perturbed disagreements and the false alarms. EVAL_ARGS="--limit 200" for a quick run,
# "--similarity lexical" without hybrid, "--json PATH" for the figures.
.PHONY: eval-claims
eval-claims: ## MRPC pairs through /v1/claims: same-claim accuracy/F1 beside cosine thresholds; disagreement recall
	$(PY) -m service.evaluation.claims_check $(EVAL_DATA)/mrpc_train.tsv $(EVAL_ARGS)

# The same on held-out pairs: eval-claims on the pairs the shipped pair model was fitted
# on is in-sample. 5-fold, folds grouped by sentence (service.evaluation.claims_cv): each
# fold through /v1/claims with a model fitted on the other folds. Hybrid by default;
# EVAL_ARGS="--sample 400 --folds 3" for a quick run, "--json PATH" for the figures.
.PHONY: eval-claims-cv
eval-claims-cv: ## MRPC pairs through /v1/claims, each fold judged by a pair model fitted without it
	$(PY) -m service.evaluation.claims_cv $(EVAL_DATA)/mrpc_train.tsv $(EVAL_ARGS)

# The "same claim" pair model of /v1/claims (service/summarize/pairs.py): a logistic
# regression per similarity kind fitted on the MRPC training pairs as eval-claims builds
# them; writes service/summarize/pair_model.json (with the data's SHA-256 and 5-fold
# grouped CV figures). About 5 minutes (every pair ranked lexically and with MiniLM).
.PHONY: train-pairs
train-pairs: ## Fit the same-claim pair model on MRPC train pairs -> service/summarize/pair_model.json
	$(PY) -m service.evaluation.train_pairs $(EVAL_DATA)/mrpc_train.tsv

# Wire copies (issue 16): each DUC 2004 cluster as it is, and with three copies of its first
# article (as outlets run a wire story); the share of summary sentences from the copied story
# and ROUGE, without and with the copies. EVAL_ARGS="--similarity hybrid", "--grid 'a=1,2'".
.PHONY: eval-copies
eval-copies: ## DUC 2004 + 3 wire copies of one article a cluster: does the copied story take over?
	$(PY) -m service.evaluation.copies_check $(EVAL_DATA)/duc2004_task2.jsonl --words 100 $(EVAL_ARGS)

# Update summaries (issue 18): DUC 2007 update task dev topics; B with A known, C with A and
# B known (options.known), focused on the topic, 100 words, ROUGE-2 jackknifed; beside the
# same requests without known and the 24 official runs, same scorer, same run.
# EVAL_ARGS="--similarity lexical", "--param selection.known_factor=0.5", "--limit 2".
UPDATE_SIMILARITY ?= hybrid,lexical

.PHONY: eval-update
eval-update: ## DUC 2007 update task (dev): ours with and without options.known vs the 24 runs
	$(PY) -m service.evaluation.update_check $(EVAL_DATA)/duc2007_update_dev.jsonl \
		--similarity $(UPDATE_SIMILARITY) --json $(EVAL_RESULTS)/eval-update.json $(EVAL_ARGS)
