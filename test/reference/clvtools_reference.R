#!/usr/bin/env Rscript
# Reference values from CLVTools itself (R), on its apparel data as
# ../shared/data/clvtools holds it, written beside this file for the suite
# (which needs neither R nor CLVTools):
#
# clvtools_apparel_fits.csv: each fit's parameters and log-likelihood at the
#   40- and 104-week splits (time unit week): Pareto/NBD, BG/NBD and
#   GGompertz/NBD without covariates, and with Gender and Channel on both
#   processes (also penalized, and with Gender's coefficient tied across
#   the processes), and Pareto/NBD with correlated rates; a row per
#   parameter, with the fit's log-likelihood repeated.
# clvtools_apparel_predictions.csv: per customer and fit, CLVTools' own
#   summary (x, t.x, T.cal), the holdout's length, and its PAlive, CET (the
#   holdout period) and DERT (continuous discount 0.1, CLVTools' default;
#   none for BG/NBD, which CLVTools does not give).
#
# CLVTools 0.12.1 builds from its public source (bachmannpatrick/CLVTools)
# with Debian's packages:
#   apt-get install r-base-dev r-cran-data.table r-cran-digest r-cran-formula \
#     r-cran-ggplot2 r-cran-lubridate r-cran-matrix r-cran-mass r-cran-optimx \
#     r-cran-rcpp r-cran-rcpparmadillo r-cran-rcppgsl r-cran-numderiv \
#     r-cran-testthat libgsl-dev
#   R CMD INSTALL -l <library> <CLVTools source>
# Rerun only to change the files:
#   R_LIBS=<library> Rscript test/reference/clvtools_reference.R
Sys.setenv(TZ = "UTC")
suppressPackageStartupMessages(library(CLVTools))

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
data_dir <- file.path(here, "..", "..", "..", "shared", "data", "clvtools")
trans <- read.csv(file.path(data_dir, "apparelTrans.csv"))
trans$Date <- as.Date(trans$Date)
static <- read.csv(file.path(data_dir, "apparelStaticCov.csv"))

num <- function(v) ifelse(is.na(v), "", sprintf("%.17g", v))
fits <- list()
predictions <- list()
for (split in c(40, 104)) {
  data <- clvdata(trans, date.format = "ymd", time.unit = "week", estimation.split = split,
                  name.id = "Id", name.date = "Date", name.price = "Price")
  covariates <- SetStaticCovariates(data, data.cov.life = static, data.cov.trans = static,
                                    names.cov.life = c("Gender", "Channel"),
                                    names.cov.trans = c("Gender", "Channel"), name.id = "Id")
  models <- list(
    pareto_nbd = function() pnbd(data, verbose = FALSE),
    bgnbd = function() bgnbd(data, verbose = FALSE),
    ggompertz_nbd = function() ggomnbd(data, verbose = FALSE),
    pareto_nbd_static = function() pnbd(covariates, verbose = FALSE),
    bgnbd_static = function() bgnbd(covariates, verbose = FALSE),
    ggompertz_nbd_static = function() ggomnbd(covariates, verbose = FALSE),
    # L2 penalties on the coefficients; CLVTools' logLik of these is the
    # penalized mean, -(mean -LL + lambda_trans |g_trans|^2 + lambda_life |g_life|^2)
    pareto_nbd_static_penalized = function() pnbd(covariates, reg.lambdas = c(trans = 0.05, life = 0.1), verbose = FALSE),
    bgnbd_static_penalized = function() bgnbd(covariates, reg.lambdas = c(trans = 0.05, life = 0.1), verbose = FALSE),
    # Gender's coefficient one for both processes (names.cov.constr)
    pareto_nbd_static_tied = function() pnbd(covariates, names.cov.constr = "Gender", verbose = FALSE),
    bgnbd_static_tied = function() bgnbd(covariates, names.cov.constr = "Gender", verbose = FALSE),
    ggompertz_nbd_static_tied = function() ggomnbd(covariates, names.cov.constr = "Gender", verbose = FALSE),
    # correlated purchase and dropout rates (use.cor); coef() has Cor(life,trans)
    pareto_nbd_correlated = function() pnbd(data, use.cor = TRUE, verbose = FALSE))
  for (name in names(models)) {
    fitted <- tryCatch(models[[name]](), error = function(e) e)
    if (inherits(fitted, "error")) {
      fits[[length(fits) + 1]] <- data.frame(model = name, weeks = split, parameter = NA, estimate = NA,
                                             log_likelihood = NA, note = conditionMessage(fitted))
      next
    }
    co <- coef(fitted)
    ll <- as.numeric(logLik(fitted))
    fits[[length(fits) + 1]] <- data.frame(model = name, weeks = split, parameter = names(co),
                                           estimate = unname(co), log_likelihood = ll, note = "")
    p <- tryCatch(predict(fitted, verbose = FALSE, predict.spending = FALSE), error = function(e) NULL)
    # the penalized and tied fits' predictions are those of their customer models, checked on the others;
    # CLVTools predicts the correlated fit as the independent one
    if (!is.null(p) && !grepl("penalized|tied|correlated", name)) {
      cbs <- fitted@cbs
      p <- as.data.frame(p)
      # BG/NBD has no DERT in CLVTools
      if (!("DERT" %in% names(p))) p$DERT <- NA
      m <- merge(as.data.frame(cbs[, c("Id", "x", "t.x", "T.cal")]),
                 p[, c("Id", "period.length", "PAlive", "CET", "DERT")], by = "Id")
      m$model <- name
      m$weeks <- split
      predictions[[length(predictions) + 1]] <- m
    }
  }
}
fits <- do.call(rbind, fits)
predictions <- do.call(rbind, predictions)
fits$estimate <- num(fits$estimate)
fits$log_likelihood <- num(fits$log_likelihood)
write.csv(fits, file.path(here, "clvtools_apparel_fits.csv"), row.names = FALSE)
out <- data.frame(model = predictions$model, weeks = predictions$weeks, id = predictions$Id, x = predictions$x,
                  t_x = num(predictions$t.x), t_cal = num(predictions$T.cal),
                  period_length = num(predictions$period.length), p_alive = num(predictions$PAlive),
                  cet = num(predictions$CET), dert = num(predictions$DERT))
write.csv(out[order(out$model, out$weeks, out$id), ], file.path(here, "clvtools_apparel_predictions.csv"),
          row.names = FALSE, quote = FALSE)
print(aggregate(log_likelihood ~ model + weeks, fits, function(v) v[1]), digits = 10)
