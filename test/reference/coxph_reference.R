#!/usr/bin/env Rscript
# Reference values for coxph_fit: R's survival::coxph on the data sets in
# ../shared/data/survival (R 4.2, survival 3.5 in Debian 12), written to
# coxph_reference.csv beside this file as (fit, name, value) rows with 17
# significant digits, which test/coxph.sql reads.  Rerun only to add a fit:
#   Rscript test/reference/coxph_reference.R
# (Debian: apt-get install r-base-core r-cran-survival)
suppressMessages(library(survival))
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
data_dir <- file.path(here, "..", "..", "..", "shared", "data", "survival")
lung <- read.csv(file.path(data_dir, "lung.csv"))
colon <- read.csv(file.path(data_dir, "colon_death.csv"))
colon$lev <- as.numeric(colon$rx == "Lev")
colon$lev5fu <- as.numeric(colon$rx == "Lev+5FU")

rows <- list()
put <- function(fit, name, value) rows[[length(rows) + 1]] <<- data.frame(fit = fit, name = name, value = sprintf("%.17g", value))
record <- function(label, f) {
  s <- summary(f)
  for (i in seq_along(coef(f))) {
    term <- names(coef(f))[i]
    put(label, paste0("coef.", term), coef(f)[i])
    # the model-based standard error (with clusters R's vcov is the robust one; "rse." below)
    put(label, paste0("se.", term), sqrt(diag(if (is.null(f$naive.var)) vcov(f) else f$naive.var))[i])
    put(label, paste0("p.", term), s$coefficients[i, "Pr(>|z|)"])
  }
  put(label, "loglik.null", f$loglik[1])
  put(label, "loglik.fit", f$loglik[2])
  put(label, "lr", 2 * (f$loglik[2] - f$loglik[1]))
  put(label, "wald", f$wald.test)
  put(label, "score", f$score)
  put(label, "n", f$n)
  put(label, "events", f$nevent)
  put(label, "iterations", f$iter)
  put(label, "concordance", f$concordance["concordance"])
  put(label, "concordance.se", f$concordance["std"])
  # the proportional-hazards test (cox.zph, transform "km"): each term's chi-square, then GLOBAL's
  z <- cox.zph(f)$table
  for (i in seq_len(nrow(z))) put(label, paste0("zph.", rownames(z)[i]), z[i, "chisq"])
}
lung_fit <- coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung)
record("lung_efron", lung_fit)
# the linear predictor of the first five patients, centred at the means as R's predict does
lp <- predict(lung_fit, newdata = lung[1:5, ], type = "lp")
for (i in 1:5) put("lung_efron", paste0("lp.", i), lp[i])
record("lung_breslow", coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, ties = "breslow"))
record("colon_efron", coxph(Surv(time, status) ~ lev + lev5fu + sex + age + obstruct + nodes, data = colon))
record("colon_breslow", coxph(Surv(time, status) ~ lev + lev5fu + sex + age + obstruct + nodes, data = colon,
                              ties = "breslow"))
# strata: a baseline of its own per stratum, the coefficients shared
record("lung_strata", coxph(Surv(time, event) ~ age + ph.ecog + strata(sex), data = lung))
record("colon_strata", coxph(Surv(time, status) ~ lev + lev5fu + age + nodes + strata(obstruct, perfor), data = colon,
                             ties = "breslow"))
# case weights (R's weights =), a weight from the data so SQL can give the same: 1 + time mod 3
lung$w <- 1 + lung$time %% 3
lung_weighted <- coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, weights = w)
record("lung_weighted", lung_weighted)
record("lung_weighted_breslow", coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, weights = w, ties = "breslow"))
# martingale residuals of the lung fit (Efron: churners at tied times count their share) and the Breslow one,
# named by each patient's data, which SQL finds the same way
mart <- function(label, f) {
  r <- residuals(f, type = "martingale")
  used <- as.integer(names(r))
  for (k in seq_along(used)) {
    d <- lung[used[k], ]
    put(label, sprintf("mart.%g.%g.%g.%g.%d.%g", d$time, d$age, d$sex, d$ph.ecog, as.integer(d$event), d$inst), r[k])
  }
}
mart("lung_efron", lung_fit)
mart("lung_breslow", coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, ties = "breslow"))
# clusters (R's cluster()): the robust covariance; its standard errors as "rse.", and R's Wald test then robust
record_robust <- function(label, f) {
  record(label, f)
  for (i in seq_along(coef(f))) put(label, paste0("rse.", names(coef(f))[i]), sqrt(diag(f$var))[i])
  put(label, "rscore", f$rscore)
}
record_robust("lung_cluster", coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, cluster = inst))
record_robust("lung_cluster_breslow", coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, cluster = inst,
                                            ties = "breslow"))
lung$row <- seq_len(nrow(lung))
record_robust("lung_robust", coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, robust = TRUE))
# predictions: survfit on the fit for two customers, at three times (survival, the
# standard error of the cumulative hazard, the log interval), as survival_at_interval gives them
predict_at <- function(label, f, newdata, times) {
  s <- survfit(f, newdata = newdata)
  ss <- summary(s, times = times, extend = TRUE)
  k <- 0
  for (j in seq_len(nrow(newdata))) for (t in times) {
    k <- k + 1
    i <- which(ss$time == t)
    col <- if (is.null(dim(ss$surv))) NULL else j
    pick <- function(v) if (is.null(col)) v[i] else v[i, col]
    put(label, sprintf("surv.%d.%g", j, t), pick(ss$surv))
    put(label, sprintf("seh.%d.%g", j, t), pick(ss$std.err) / pick(ss$surv))
    put(label, sprintf("lower.%d.%g", j, t), pick(ss$lower))
    put(label, sprintf("upper.%d.%g", j, t), pick(ss$upper))
  }
}
profiles <- data.frame(age = c(60, 70), sex = c(1, 2), ph.ecog = c(1, 0))
predict_at("lung_efron", lung_fit, profiles, c(5, 300, 1022))
predict_at("lung_breslow", coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, ties = "breslow"),
           profiles, c(5, 300, 1022))
lung_strata <- coxph(Surv(time, event) ~ age + ph.ecog + strata(sex), data = lung)
predict_at("lung_strata_2", lung_strata, data.frame(age = 60, ph.ecog = 1, sex = 2), c(5, 300, 800))
predict_at("lung_weighted", lung_weighted, profiles, c(5, 300, 1022))
# the chance to churn within the next t after surviving `from`: survfit with start.time (the
# conditional curve S(from + t) / S(from) with its standard error and log interval), as
# churn_probability_interval turns it around: 1 - S, its se, 1 - upper, 1 - lower
churn_after <- function(label, f, newdata, from, ahead) {
  s <- survfit(f, newdata = newdata, start.time = from)
  ss <- summary(s, times = from + ahead, extend = TRUE)
  for (j in seq_len(nrow(newdata))) for (k in seq_along(ahead)) {
    pick <- function(v) if (is.null(dim(v))) v[k] else v[k, j]
    key <- sprintf("%d.%g.%g", j, from, ahead[k])
    put(label, paste0("churn.", key), 1 - pick(ss$surv))
    put(label, paste0("churnse.", key), pick(ss$std.err))
    put(label, paste0("churnlower.", key), 1 - pick(ss$upper))
    put(label, paste0("churnupper.", key), 1 - pick(ss$lower))
  }
}
churn_after("lung_efron", lung_fit, profiles, 100, c(90, 365))
churn_after("lung_efron", lung_fit, profiles, 310, c(90, 365))
churn_after("lung_breslow", coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, ties = "breslow"),
            profiles, 310, c(90, 365))
churn_after("lung_strata_2", lung_strata, data.frame(age = 60, ph.ecog = 1, sex = 2), 100, c(90, 365))
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "coxph_reference.csv"), row.names = FALSE, quote = FALSE)
cat(nrow(out), "reference values\n")
