#!/usr/bin/env Rscript
# Reference values for the Pareto/NBD with time-varying covariates from
# CLVTools itself (R), on its apparel data (High.Season, Gender and
# Channel weekly on both processes, 40-week split, time unit week), written
# to clvtools_dyncov.csv beside this file:
#   - CLVTools' own fit: its parameters, log-likelihood and seconds taken;
#   - CLVTools' log-likelihood at loyalty_kpi's estimates (the `ours` rows
#     below, copied from pareto_nbd_fit's output), so the suite can check
#     that both evaluate one likelihood and that ours is the higher point
#     of it;
# and to clvtools_dyncov_predictions.csv, per customer, CLVTools' PAlive,
# CET and DECT (discounted at its default continuous rate, 0.1 a week)
# over its holdout (to the last transaction day) at its own estimates.
# CLVTools builds as clvtools_reference.R says. Rerun only to change the file:
#   R_LIBS=<library> Rscript test/reference/clvtools_dyncov.R
Sys.setenv(TZ = "UTC")
suppressPackageStartupMessages(library(CLVTools))

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
data_dir <- file.path(here, "..", "..", "..", "shared", "data", "clvtools")
trans <- read.csv(file.path(data_dir, "apparelTrans.csv"))
trans$Date <- as.Date(trans$Date)
dyn <- read.csv(file.path(data_dir, "apparelDynCov.csv"))
dyn$Cov.Date <- as.Date(dyn$Cov.Date)
names <- c("High.Season", "Gender", "Channel")

data <- clvdata(trans, date.format = "ymd", time.unit = "week", estimation.split = 40,
                name.id = "Id", name.date = "Date", name.price = "Price")
covariates <- SetDynamicCovariates(data, data.cov.life = dyn, data.cov.trans = dyn,
                                   names.cov.life = names, names.cov.trans = names,
                                   name.id = "Id", name.date = "Cov.Date")
# CLVTools' default start (its fit without covariates) fails at this split
# (NA coefficients, "non finite values"): started instead where its own
# tests' helper (helper_arrange.R) notes its fit without covariates
seconds <- system.time(fitted <- pnbd(covariates, verbose = FALSE,
                                      start.params.model = c(r = 0.7422, alpha = 2.1222, s = 0.9991, beta = 92.0867))
                       )[["elapsed"]]
est <- coef(fitted)

# loyalty_kpi's estimates at this split (pareto_nbd_fit(period_starts,
# covariates, names, purchase_days, '2005-10-09', '7 days'))
ours <- c(r = 1.909748316946365, alpha = 127.52142475469944, s = 0.31715117294194556, beta = 77.28391520634284,
          purchase.High.Season = 0.7807550862543733, purchase.Gender = 0.406656469489952,
          purchase.Channel = 0.8214534809544021,
          dropout.High.Season = 2.686474236531649, dropout.Gender = -0.5703360017592217,
          dropout.Channel = 2.4197611103855023)
# CLVTools' likelihood takes log base parameters, then the dropout (life)
# coefficients, then the purchase (trans) ones
at_ours <- c(log(ours[c("r", "alpha", "s", "beta")]), ours[paste0("dropout.", names)], ours[paste0("purchase.", names)])
names(at_ours) <- c(fitted@clv.model@names.prefixed.params.model,
                    fitted@names.prefixed.params.after.constr.life,
                    fitted@names.prefixed.params.after.constr.trans)
ll_ours <- sum(CLVTools:::pnbd_dyncov_getLLdata(fitted, at_ours)$LL)

num <- function(v) sprintf("%.17g", v)
clv_names <- c("r", "alpha", "s", "beta", paste0("life.", names), paste0("trans.", names))
ours_names <- c("r", "alpha", "s", "beta", paste0("dropout.", names), paste0("purchase.", names))
rows <- data.frame(
  what = c(rep("clvtools", length(clv_names)), "clvtools", "clvtools", "clvtools_at_ours"),
  term = c(ours_names, "log_likelihood", "seconds", "log_likelihood"),
  value = c(num(est[clv_names]), num(as.numeric(logLik(fitted))), num(seconds), num(ll_ours)))
write.csv(rows, file.path(here, "clvtools_dyncov.csv"), row.names = FALSE, quote = FALSE)
print(rows)

# predictions over the holdout at CLVTools' own estimates (predict.spending
# off: the Gamma-Gamma fit is not what is compared), DECT at its default
# continuous discount rate, said here
pred <- predict(fitted, predict.spending = FALSE, continuous.discount.factor = 0.1, verbose = FALSE)
out <- data.frame(id = pred$Id, period_last = as.character(pred$period.last),
                  palive = num(pred$PAlive), cet = num(pred$CET), dect = num(pred$DECT))
write.csv(out, file.path(here, "clvtools_dyncov_predictions.csv"), row.names = FALSE, quote = FALSE)
print(head(out))
