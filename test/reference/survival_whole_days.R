#!/usr/bin/env Rscript
# Reference for the timestamp form of survival_summary(): R survival's
# survfit on the same customers with tenure as whole days completed, the
# count the extension keeps (floor of elapsed time / 24 h).  Writes, beside
# this file, whole_days_customers.csv (the data: acquired_at, churned_at in
# UTC, churned_at empty for a customer still active) and
# whole_days_survfit.csv (the curve survfit prints at its log interval),
# which test/survival.sql reads.  Rerun only to change the data:
#   Rscript test/reference/survival_whole_days.R
# (Debian: apt-get install r-base-core r-cran-survival)
suppressMessages(library(survival))
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
set.seed(20261207)

# 3,000 customers acquired at any second of 2024-2025; 60% churn after an
# exponential time of mean 200 days (any second), the rest are still active
as_of <- as.POSIXct("2026-01-01 00:00:00", tz = "UTC")
n <- 3000
acquired <- as.POSIXct("2024-01-01 00:00:00", tz = "UTC") + floor(runif(n) * 730 * 86400)
churned <- acquired + floor(rexp(n, 1 / (200 * 86400)))
churned[runif(n) < 0.4] <- NA
fmt <- function(t) ifelse(is.na(t), "", format(t, "%Y-%m-%d %H:%M:%S+00", tz = "UTC"))
write.csv(data.frame(acquired_at = fmt(acquired), churned_at = fmt(churned)),
          file.path(here, "whole_days_customers.csv"), row.names = FALSE, quote = FALSE)

# what the extension does: churned after as_of is still active at as_of;
# tenure = whole days of elapsed time completed
event <- !is.na(churned) & churned <= as_of
end <- ifelse(event, as.numeric(churned), as.numeric(as_of))
days <- floor((end - as.numeric(acquired)) / 86400)
fit <- survfit(Surv(days, event) ~ 1, conf.type = "log")
curve <- data.frame(time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
                    surv = fit$surv, std_err = fit$surv * fit$std.err, lower = fit$lower, upper = fit$upper)
curve[] <- lapply(curve, function(x) sprintf("%.17g", x))
write.csv(curve, file.path(here, "whole_days_survfit.csv"), row.names = FALSE, quote = FALSE)
q <- quantile(fit, 0.5)
cat(sprintf("median %s (%s, %s), %d curve rows\n", q$quantile, q$lower, q$upper, nrow(curve)))
