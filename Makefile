# loyalty_kpi: PGXS build.  Targets a user runs: all, install, installcheck,
# and (through scripts/) test, demo, bench, valgrind.
EXTENSION = loyalty_kpi
MODULE_big = loyalty_kpi
# the customer-base models (src/models/model.h says which file holds what)
MODELS = src/models/model.o src/models/model_fit.o src/models/special.o src/models/bgnbd.o \
         src/models/pareto_nbd.o src/models/ggompertz_nbd.o src/models/gamma_gamma.o src/models/sbg.o \
         src/models/bgbb.o src/models/model_covariates.o
OBJS = src/common.o src/kit.o src/survey.o src/lifecycle.o src/orders.o src/program.o src/clv.o src/survival.o src/cohort.o src/rfm.o src/coxph.o \
       $(MODELS)
DATA = loyalty_kpi--1.0.sql loyalty_kpi--1.0--1.1.sql loyalty_kpi--1.1--1.2.sql loyalty_kpi--1.2--1.3.sql loyalty_kpi--1.3--1.4.sql loyalty_kpi--1.4--1.5.sql loyalty_kpi--1.5--1.6.sql loyalty_kpi--1.6--1.7.sql loyalty_kpi--1.7--1.8.sql loyalty_kpi--1.8--1.9.sql loyalty_kpi--1.9--1.10.sql loyalty_kpi--1.10--1.11.sql loyalty_kpi--1.11--1.12.sql
# warnings are errors in CI (CI=true), only warnings for a user with another compiler
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers $(if $(CI),-Werror)

# the CLV models' optimizer: NLopt (Debian's libnlopt0; see README)
SHLIB_LINK = -lnlopt

# pg_regress: every sql/*.sql, in name order
REGRESS = $(sort $(basename $(notdir $(wildcard sql/*.sql))))

# The full install script of the current version, built from the SQL of
# each family (src/*.sql and src/models/*.sql beside its C) with the overload templates
# expanded; older versions install from 1.0 and the upgrade scripts.
EXTVERSION := $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)
INSTALL_SQL = src/loyalty_kpi.sql src/survey.sql src/lifecycle.sql src/orders.sql src/program.sql \
              src/clv.sql src/models/models.sql src/models/bgnbd.sql src/models/model_covariates.sql \
              src/models/sbg.sql src/models/bgbb.sql src/survival.sql src/cohort.sql src/rfm.sql src/coxph.sql src/privileges.sql
DATA_built = $(EXTENSION)--$(EXTVERSION).sql

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: $(INSTALL_SQL) scripts/expand_overloads.awk $(EXTENSION).control
	awk -f scripts/expand_overloads.awk $(INSTALL_SQL) > $@

# The README's commands: each sets up a fresh Debian 12 machine as needed.
# valgrind: the regression suite under valgrind (slow; not in CI).
.PHONY: test demo bench valgrind
test:
	bash scripts/test.sh
demo:
	bash scripts/demo.sh
bench:
	bash scripts/bench.sh
valgrind:
	bash scripts/valgrind.sh
