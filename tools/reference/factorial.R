# Reference analyses of two-level factorial designs for Runner's factorial tests (Runner.Tests/Factorial).
# Each case: the design built here from its generators (standard order, the first factor fastest), simulated
# values (seeded, six decimals, so that the CSV holds them exactly), and R's own lm() of y ~ factor(seed) + main effects + one column per two-factor-interaction
# alias chain; a saturated model's effects are judged by Lenth's pseudo standard error (Lenth 1989).
# Usage: Rscript tools/reference/factorial.R Runner.Tests/Factorial/Reference
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "."
letters15 <- c("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "O", "P")

design <- function(k, generators) {
  generated <- names(generators)
  base <- setdiff(letters15[1:k], generated)
  grid <- expand.grid(rep(list(c(-1, 1)), length(base)))
  names(grid) <- base
  for (g in generated) {
    word <- strsplit(generators[[g]], "")[[1]]
    grid[[g]] <- Reduce(`*`, grid[word])
  }
  grid[letters15[1:k]]
}

# One column per alias chain of two-factor interactions that holds no main effect (resolution IV and up),
# found by comparing columns: an interaction equal (up to sign) to a main effect or to a chain already kept is left out.
chains <- function(d, resolution) {
  if (!is.na(resolution) && resolution == 3) return(character(0))
  k <- ncol(d)
  kept <- list()
  terms <- character(0)
  same <- function(u, v) abs(sum(u * v)) == nrow(d)
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    v <- d[[i]] * d[[j]]
    if (any(sapply(d, function(m) same(v, m)))) next
    if (any(sapply(kept, function(m) same(v, m)))) next
    kept[[length(kept) + 1]] <- v
    terms <- c(terms, paste0(names(d)[i], ":", names(d)[j]))
  }
  terms
}

run_case <- function(name, k, generators, seeds, resolution) {
  set.seed(20261130)
  d <- design(k, generators)
  effects <- c(0.5, 0.4, 0.3, 0.3, 0.2, 0.2, 0.1, 0.1, 0, 0, 0, 0, 0, 0, 0)[1:k]
  rows <- do.call(rbind, lapply(seq_len(seeds), function(s) {
    block <- rnorm(1, sd = 0.1)
    y <- 93 + block + as.matrix(d) %*% (effects / 2) + 0.15 * d$A * d$B + rnorm(nrow(d), sd = 0.15)
    data.frame(seed = s, configuration = seq_len(nrow(d)) - 1, d, y = round(as.vector(y), 6))
  }))
  write.csv(rows[c("seed", "configuration", letters15[1:k], "y")], file.path(out, paste0(name, ".data.csv")), row.names = FALSE)

  terms <- c(letters15[1:k], chains(d, resolution))
  formula <- as.formula(paste("y ~", paste(c(if (seeds > 1) "factor(seed)", terms), collapse = " + ")))
  fit <- lm(formula, data = rows)
  coefficients <- coef(fit)[gsub(":", ":", terms)]
  df <- fit$df.residual
  if (df > 0) {
    s <- summary(fit)$coefficients[terms, , drop = FALSE]
    result <- data.frame(term = gsub(":", "", terms), effect = 2 * s[, 1], se = 2 * s[, 2], t = s[, 3], df = df, p = s[, 4])
  } else {
    c <- 2 * coefficients
    s0 <- 1.5 * median(abs(c))
    pse <- 1.5 * median(abs(c)[abs(c) < 2.5 * s0])
    m <- length(c)
    t <- c / pse
    result <- data.frame(term = gsub(":", "", terms), effect = c, se = pse, t = t, df = m / 3, p = 2 * pt(-abs(t), m / 3))
  }
  result$formula <- deparse(formula, width.cutoff = 500)
  write.csv(format(result, digits = 17), file.path(out, paste0(name, ".lm.csv")), row.names = FALSE)
}

run_case("full-2-3-seeds-3", 3, list(), 3, NA)
run_case("v-2-5-1-seeds-2", 5, list(E = "ABCD"), 2, 5)
run_case("iv-2-6-2-seeds-1", 6, list(E = "ABC", F = "BCD"), 1, 4)
run_case("iii-2-7-4-seeds-1", 7, list(D = "AB", E = "AC", F = "BC", G = "ABC"), 1, 3)
run_case("iv-2-9-4-seeds-2", 9, list(F = "BCDE", G = "ACDE", H = "ABDE", J = "ABCE"), 2, 4)
writeLines(c(R.version.string, format(Sys.Date())), file.path(out, "R-version.txt"))
