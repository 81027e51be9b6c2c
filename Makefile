# The front door of PRS Lab. `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PRSLAB := $(VENV)/bin/prslab

# Ports of the local stack; the monolith and the gateway are what load tests aim at.
MONOLITH_PORT ?= 8000
GATEWAY_PORT ?= 8080

# Options of `make compare`; empty means the script's own default. DATABASE is
# not DATABASE_URL on purpose: the comparison drops and reseeds that database, so
# it must not pick up the URL that the apps use from the environment.
USERS ?=
RAMP_UP ?=
DURATION ?=
SCENARIO ?=
THINK_TIME ?=
DATABASE ?=
REPEAT ?=
REPLICAS ?=

compare_flags = $(if $(USERS),--users $(USERS)) $(if $(RAMP_UP),--ramp-up $(RAMP_UP)) \
	$(if $(DURATION),--duration $(DURATION)) $(if $(SCENARIO),--scenario $(SCENARIO)) \
	$(if $(THINK_TIME),--think-time $(THINK_TIME)) \
	$(if $(DATABASE),--database-url '$(DATABASE)') $(if $(REPEAT),--repeat $(REPEAT)) \
	$(if $(REPLICAS),--replicas $(REPLICAS))

.PHONY: help setup test lint monolith microservices compare bench tools \
	kube-up kube-down test-cluster clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

setup: ## Install system packages (nginx, Java, PostgreSQL) and the Python environment.
	bash scripts/setup.sh

test: setup ## Run lint and every test that this machine can run.
	$(PY) -m pytest

lint: setup ## Run ruff over the code.
	$(VENV)/bin/ruff check .

monolith: setup ## Serve the monolith on 127.0.0.1:$(MONOLITH_PORT) until Ctrl-C.
	$(PRSLAB) serve monolith --port $(MONOLITH_PORT)

microservices: setup ## Serve the five services behind nginx on 127.0.0.1:$(GATEWAY_PORT).
	$(PRSLAB) serve microservices --port $(GATEWAY_PORT)

compare: setup ## Load-test both topologies side by side and write results/<timestamp>/.
	$(PRSLAB) compare-local $(compare_flags)

bench: setup ## Measure the stack's ceiling against both topologies' class schedule.
	$(PRSLAB) bench

tools: setup ## Fetch JMeter, helm and kubectl into tools/ when they are not on PATH.
	$(PRSLAB) tools jmeter helm kubectl

kube-up: setup ## Build (if missing) and start the local Kubernetes control plane.
	bash scripts/kube/up.sh

kube-down: ## Stop the local Kubernetes control plane.
	bash scripts/kube/down.sh

test-cluster: setup ## Install the charts on the local control plane and watch the HPA.
	bash scripts/kube/test.sh

clean: ## Remove the local database, results and fetched tools.
	rm -rf var results tools
