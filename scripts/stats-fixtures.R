# R's side of the issue-11 statistics fixtures (tests/fixtures/stats/, format:
# tests/fixtures/stats/README.md). Not run on its own: scripts/stats-fixtures.py
# calls it as
#   Rscript scripts/stats-fixtures.R OUTDIR RJSON
# It writes the data sets OUTDIR/NAME.csv (response `y`, R's names with `.`
# replaced by `_`) and, into RJSON, R's values for every fit and predict case:
# lm, summary.lm, confint, logLik, AIC, BIC, kappa(exact = TRUE) and
# predict.lm, plus the HC0-HC3 sandwich tables computed here from the hat
# values (sandwich/lmtest are not installed), which the Python side compares
# with statsmodels. Numbers are printed with 17 significant digits. Base R
# only (no jsonlite): the small JSON writer is below.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript stats-fixtures.R OUTDIR RJSON")
outdir <- args[1]
rjson <- args[2]
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

# ---- JSON: named list -> object, unnamed list -> array, scalars only else ----
js <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    parts <- vapply(x, js, "")
    if (!is.null(names(x)))
      return(paste0("{", paste0("\"", names(x), "\": ", parts, collapse = ", "), "}"))
    return(paste0("[", paste0(parts, collapse = ", "), "]"))
  }
  stopifnot(length(x) == 1)
  if (is.na(x)) return("null")
  if (is.character(x)) return(paste0("\"", gsub("\"", "\\\\\"", x), "\""))
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.integer(x)) return(sprintf("%d", x))
  stopifnot(is.finite(x))
  sprintf("%.17g", x)
}
num_list <- function(v) lapply(unname(as.numeric(v)), function(e) e)

# ---- data sets: write the CSV, read it back, fit what was read ----
write_data <- function(name, d) {
  names(d) <- gsub(".", "_", names(d), fixed = TRUE)
  stopifnot("y" %in% names(d), all(vapply(d, is.numeric, TRUE)))
  path <- file.path(outdir, paste0(name, ".csv"))
  write.csv(d, path, row.names = FALSE, quote = FALSE)
  back <- read.csv(path)
  # the file must hold exactly the doubles R fits (write.csv keeps 15 digits)
  stopifnot(identical(dim(back), dim(d)),
            all(as.matrix(back) == as.matrix(d)))
  back
}
# response first in R's order does not matter: linreg takes `y` by name and
# the predictors in file order, which is the order of the formula y ~ .
put_y_last <- function(d, resp) {
  y <- d[[resp]]
  d[[resp]] <- NULL
  d$y <- y
  d
}

datasets <- list()
datasets$cars <- write_data("cars", put_y_last(cars, "dist"))
datasets$trees <- write_data("trees", put_y_last(trees, "Volume"))
mt <- mtcars[, c("wt", "hp", "qsec", "am", "mpg")]
datasets$mtcars <- write_data("mtcars", put_y_last(mt, "mpg"))
# rank-deficient: hp_plus_am is hp + am exactly (integers, so exact in binary)
mta <- mtcars[, c("wt", "hp", "qsec", "am")]
mta$hp_plus_am <- mtcars$hp + mtcars$am
mta$y <- mtcars$mpg
datasets$mtcars_alias <- write_data("mtcars_alias", mta)
datasets$stackloss <- write_data("stackloss", put_y_last(stackloss, "stack.loss"))
datasets$swiss <- write_data("swiss", put_y_last(swiss, "Fertility"))
datasets$lifecycle <- write_data("lifecycle", put_y_last(LifeCycleSavings, "sr"))
# NIST Longley, the project's copy (x1..x6, y)
longley_nist <- read.csv(file.path("tests", "data", "nist", "Longley.csv"))
datasets$longley <- write_data("longley", longley_nist)

# new data for predict (points inside and outside the range of the fit data)
write_new <- function(name, d) {
  path <- file.path(outdir, paste0(name, ".csv"))
  write.csv(d, path, row.names = FALSE, quote = FALSE)
  back <- read.csv(path)
  stopifnot(all(as.matrix(back) == as.matrix(d)))
  back
}
newdata <- list()
newdata$cars_new <- write_new("cars_new", data.frame(speed = c(0, 4, 10.5, 15, 25, 30, 40)))
newdata$trees_new <- write_new("trees_new", data.frame(
  Girth = c(8, 10.5, 13.8, 20.6, 25), Height = c(60, 70, 76, 87, 95)))
newdata$mtcars_new <- write_new("mtcars_new", data.frame(
  wt = c(1.2, 2.5, 3.2, 5.4, 6), hp = c(50, 110, 150, 335, 400),
  qsec = c(14, 17.5, 18.9, 22.9, 25), am = c(1, 1, 0, 0, 1)))

# ---- one fit case ----
fit_values <- function(d, intercept, level) {
  f <- if (intercept) y ~ . else y ~ 0 + .
  fit <- lm(f, data = d)
  s <- summary(fit)
  b <- coef(fit)                      # NA for aliased columns
  cf <- coef(s)                       # rows for the estimable terms only
  ci <- confint(fit, level = level)   # NA rows for aliased columns
  al <- is.na(b)
  rows <- lapply(names(b), function(term) {
    if (is.na(b[[term]]))
      return(list(term = term, estimate = NA, std_error = NA, t = NA,
                  p_value = NA, ci_low = NA, ci_high = NA))
    list(term = term, estimate = cf[term, 1], std_error = cf[term, 2],
         t = cf[term, 3], p_value = cf[term, 4],
         ci_low = ci[term, 1], ci_high = ci[term, 2])
  })
  fs <- s$fstatistic
  X <- model.matrix(fit)[, !al, drop = FALSE]
  e <- list(
    coefficients = rows,
    n = as.integer(nobs(fit)), df_residual = as.integer(fit$df.residual),
    sigma = s$sigma, r2 = s$r.squared, adj_r2 = s$adj.r.squared,
    f_statistic = unname(fs["value"]),
    f_df1 = as.integer(fs["numdf"]), f_df2 = as.integer(fs["dendf"]),
    f_p_value = pf(fs["value"], fs["numdf"], fs["dendf"], lower.tail = FALSE)[[1]],
    loglik = as.numeric(logLik(fit)), aic = AIC(fit), bic = BIC(fit),
    rank = as.integer(fit$rank),
    condition_number = kappa(X, exact = TRUE),
    level = level)
  if (any(al)) e$aliased <- as.list(names(b)[al])
  list(fit = fit, expect = e)
}

# HC0-HC3 by hand: (X'X)^-1 X' diag(w e^2) X (X'X)^-1, t on df_residual
hc_table <- function(fit, type, level) {
  X <- model.matrix(fit)
  n <- nrow(X); k <- ncol(X)
  e <- residuals(fit)
  h <- hatvalues(fit)
  w <- switch(type,
              hc0 = e^2, hc1 = e^2 * n / (n - k),
              hc2 = e^2 / (1 - h), hc3 = e^2 / (1 - h)^2)
  XtXi <- chol2inv(qr.R(fit$qr))
  piv <- fit$qr$pivot
  XtXi[piv, piv] <- XtXi
  V <- XtXi %*% crossprod(X, X * w) %*% XtXi
  b <- coef(fit)
  se <- sqrt(diag(V))
  tv <- b / se
  df <- fit$df.residual
  q <- qt(1 - (1 - level) / 2, df)
  lapply(seq_along(b), function(i)
    list(term = names(b)[i], estimate = b[[i]], std_error = se[[i]], t = tv[[i]],
         p_value = 2 * pt(abs(tv[[i]]), df, lower.tail = FALSE),
         ci_low = b[[i]] - q * se[[i]], ci_high = b[[i]] + q * se[[i]]))
}

ver <- R.version.string
cases <- list()
add_fit <- function(name, data, args, intercept = TRUE, level = 0.95) {
  v <- fit_values(datasets[[data]], intercept, level)
  ref <- sprintf(paste("%s lm(%s, data = %s); summary, confint(level = %s),",
                       "logLik, AIC, BIC, kappa(exact = TRUE)"),
                 ver, if (intercept) "y ~ ." else "y ~ 0 + .", data, level)
  cases[[length(cases) + 1]] <<- list(name = name, data = paste0(data, ".csv"),
                                      args = as.list(args), reference = ref,
                                      expect = v$expect)
  invisible(v$fit)
}

add_fit("cars", "cars", character(0))
add_fit("cars_level90", "cars", c("--level", "0.9"), level = 0.9)
add_fit("cars_noint", "cars", "--no-intercept", intercept = FALSE)
add_fit("trees", "trees", character(0))
add_fit("trees_noint", "trees", "--no-intercept", intercept = FALSE)
add_fit("mtcars", "mtcars", character(0))
add_fit("mtcars_level90", "mtcars", c("--level", "0.9"), level = 0.9)
add_fit("mtcars_alias", "mtcars_alias", character(0))
add_fit("stackloss", "stackloss", character(0))
add_fit("swiss", "swiss", character(0))
add_fit("swiss_noint", "swiss", "--no-intercept", intercept = FALSE)
add_fit("lifecycle", "lifecycle", character(0))
add_fit("longley", "longley", character(0))

# robust tables by hand, for the Python side's cross-check with statsmodels
hc <- list()
for (data in c("cars", "trees", "mtcars", "stackloss", "swiss", "lifecycle")) {
  fit <- lm(y ~ ., data = datasets[[data]])
  for (type in c("hc0", "hc1", "hc2", "hc3"))
    hc[[paste(data, type, sep = "_")]] <- hc_table(fit, type, 0.95)
}
fit <- lm(y ~ ., data = datasets$mtcars)
hc$mtcars_hc3_level90 <- hc_table(fit, "hc3", 0.9)
fit <- lm(y ~ 0 + ., data = datasets$trees)
hc$trees_noint_hc1 <- hc_table(fit, "hc1", 0.95)

# predict cases
add_pred <- function(name, data, new, interval, level, intercept = TRUE) {
  f <- if (intercept) y ~ . else y ~ 0 + .
  fit <- lm(f, data = datasets[[data]])
  p <- predict(fit, newdata = newdata[[new]], interval = interval, level = level)
  args <- c("--interval", interval)
  if (level != 0.95) args <- c(args, "--level", format(level))
  cases[[length(cases) + 1]] <<- list(
    name = name, kind = "predict", data = paste0(data, ".csv"),
    fit_args = as.list(if (intercept) character(0) else "--no-intercept"),
    newdata = paste0(new, ".csv"), args = as.list(args),
    reference = sprintf(paste("%s predict.lm(lm(%s, data = %s), newdata = %s,",
                              "interval = '%s', level = %s)"),
                        ver, deparse(f), data, new, interval, level),
    expect = list(fit = num_list(p[, "fit"]), lwr = num_list(p[, "lwr"]),
                  upr = num_list(p[, "upr"])))
}
add_pred("cars_pred_conf", "cars", "cars_new", "confidence", 0.95)
add_pred("cars_pred_pred", "cars", "cars_new", "prediction", 0.95)
add_pred("cars_pred_conf90", "cars", "cars_new", "confidence", 0.9)
add_pred("cars_noint_pred_pred", "cars", "cars_new", "prediction", 0.95, intercept = FALSE)
add_pred("trees_pred_conf", "trees", "trees_new", "confidence", 0.95)
add_pred("trees_pred_pred90", "trees", "trees_new", "prediction", 0.9)
add_pred("mtcars_pred_conf", "mtcars", "mtcars_new", "confidence", 0.95)
add_pred("mtcars_pred_pred", "mtcars", "mtcars_new", "prediction", 0.95)

out <- list(r_version = ver, cases = cases, hc_by_hand = hc)
writeLines(js(out), rjson)
