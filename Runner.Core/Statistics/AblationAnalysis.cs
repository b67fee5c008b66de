using System.Globalization;

namespace Runner.Core.Statistics;

/// <summary>
/// The analysis of an ablation: a summary per arm, every arm against the baseline (or all pairs) with
/// adjusted p-values and a verdict, and the planning note that says what the spread can resolve.
/// Problems with the data (too few runs, no variance, missing values) become notes, never exceptions.
/// </summary>
public static class AblationAnalysis
{
    public static AnalysisResult Analyze(IReadOnlyList<ArmSamples> arms, string? baseline, AnalysisSettings settings, string? metric = null)
    {
        var errors = Validate(arms, baseline, settings);
        if (errors.Count > 0)
            throw new ArgumentException(string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));

        var baselineArm = baseline ?? arms[0].Name;
        var notes = new List<string>();
        var results = arms.Select(a => new ArmResult(a.Name, ArmSummary.Of(a.Finite, settings.Level), a.Missing, a.Failed, a.Cancelled)).ToList();
        foreach (var (arm, result) in arms.Zip(results))
        {
            if (result.Missing > 0)
                notes.Add($"Arm '{arm.Name}': {Runs(result.Missing)} without a value for the metric left out.");
            if (arm.Failed + arm.Cancelled > 0)
                notes.Add($"Arm '{arm.Name}': {Runs(arm.Failed)} failed and {Runs(arm.Cancelled)} cancelled, left out.");
            if (result.Summary.N < 2)
                notes.Add($"Arm '{arm.Name}' has {Runs(result.Summary.N)} with a value; a standard deviation and a confidence interval need at least 2.");
            else if (result.Summary.StandardDeviation == 0)
                notes.Add($"Arm '{arm.Name}' has zero variance: all {result.Summary.N} runs gave the same value.");
        }

        var baselineSamples = arms.First(a => a.Name == baselineArm);
        var pairs = settings.AllPairs
            ? (from i in Enumerable.Range(0, arms.Count) from j in Enumerable.Range(i + 1, arms.Count - i - 1) select (arms[j], arms[i])).ToList()
            : arms.Where(a => a.Name != baselineArm).Select(a => (a, baselineSamples)).ToList();

        var tests = pairs.Select(p => (p.Item1, p.Item2,
            Test: TwoSampleTest.Run(p.Item1.Finite, p.Item2.Finite, settings.Test, settings.Level),
            Paired: PairedTest.RunMatched(p.Item1.Seeded, p.Item2.Seeded, settings.Level))).ToList();
        var tested = tests.Where(t => t.Test.IsTested).ToList();
        var adjusted = PValueAdjustment.Adjust(tested.Select(t => t.Test.PTwoSided!.Value).ToList(), settings.Correction);
        var adjustedByPair = tested.Zip(adjusted).ToDictionary(x => (x.First.Item1.Name, x.First.Item2.Name), x => x.Second);
        var equivalence = settings.Margin is { } margin
            ? tests.ToDictionary(t => (t.Item1.Name, t.Item2.Name), t => Equivalence.Test(t.Test, margin, settings.Level))
            : [];
        var equivalenceTested = equivalence.Where(e => e.Value.P is not null).ToList();
        var equivalenceAdjusted = equivalenceTested.Zip(PValueAdjustment.Adjust(equivalenceTested.Select(e => e.Value.P!.Value).ToList(), settings.Correction))
            .ToDictionary(x => x.First.Key, x => x.Second);
        var planningAlpha = PValueAdjustment.PlanningLevel(settings.Alpha, Math.Max(1, tested.Count), settings.Correction);
        var sd = PlanningSd(results, settings, out var sdSource);

        var comparisons = new List<ArmComparison>();
        foreach (var (arm, against, test, paired) in tests)
        {
            if (test.Note is not null)
                notes.Add($"'{arm.Name}' vs '{against.Name}': {test.Note}.");
            double? pAdjusted = adjustedByPair.TryGetValue((arm.Name, against.Name), out var p) ? p : null;
            double? equivalentP = equivalenceAdjusted.TryGetValue((arm.Name, against.Name), out var e) ? e : null;
            var verdict = pAdjusted is null ? Verdict.NotTested
                : pAdjusted <= settings.Alpha ? (test.Difference > 0) == (settings.Goal == Goal.Maximize) ? Verdict.Better : Verdict.Worse
                : settings.Margin is null ? Verdict.NoSignificantDifference
                : equivalentP <= settings.Alpha ? Verdict.Equivalent
                : Verdict.Undecided;
            double? toDetect = sd is > 0 && test.Difference is { } d && d != 0
                ? PowerAnalysis.RunsPerArm(d, sd.Value, planningAlpha, settings.Power)
                : null;
            comparisons.Add(new ArmComparison(arm.Name, against.Name, test, paired, pAdjusted,
                equivalence.GetValueOrDefault((arm.Name, against.Name)), equivalentP, verdict, toDetect));
        }

        var planning = Plan(results, sd, sdSource, planningAlpha, settings);
        var used = results.Sum(r => r.Summary.N);
        var excluded = results.Sum(r => r.Missing + r.Failed + r.Cancelled);
        return new AnalysisResult(metric, baselineArm, settings.Level, settings.Correction, settings.Test, settings.Goal, settings.Margin,
            used, excluded, results, comparisons, planning, notes);
    }

    public static Dictionary<string, string[]> Validate(IReadOnlyList<ArmSamples> arms, string? baseline, AnalysisSettings settings)
    {
        var errors = new Dictionary<string, string[]>();
        if (arms.Count == 0)
            errors["arms"] = ["At least one arm is needed."];
        else if (arms.Count > AnalysisSettings.MaxArms)
            errors["arms"] = [$"{arms.Count} arms is more than the limit of {AnalysisSettings.MaxArms}."];
        else if (settings.AllPairs && arms.Count > AnalysisSettings.MaxAllPairsArms)
            errors["compare"] = [$"All pairs of {arms.Count} arms is {arms.Count * (arms.Count - 1) / 2} tests; all-pairs takes at most {AnalysisSettings.MaxAllPairsArms} arms."];
        if (errors.Count > 0)
            return errors;
        for (var i = 0; i < arms.Count; i++)
        {
            var arm = arms[i];
            if (string.IsNullOrWhiteSpace(arm.Name))
                errors[$"arms[{i}].name"] = ["An arm needs a name."];
            else if (arm.Name.Length > AnalysisSettings.MaxArmNameLength || arm.Name.Any(char.IsControl))
                errors[$"arms[{i}].name"] = [$"Use at most {AnalysisSettings.MaxArmNameLength} printable characters."];
            else if (arms.Take(i).Any(a => a.Name == arm.Name))
                errors[$"arms[{i}].name"] = [$"'{arm.Name}' is used by more than one arm."];
            if (arm.Values.Count > AnalysisSettings.MaxValuesPerArm)
                errors[$"arms[{i}].values"] = [$"{arm.Values.Count} values is more than the limit of {AnalysisSettings.MaxValuesPerArm} per arm."];
            else if (arm.Values.Select((v, j) => (v, j)).FirstOrDefault(x => x.v is { } v && double.IsFinite(v) && Math.Abs(v) > AnalysisSettings.MaxMagnitude) is { v: not null } huge)
                errors[$"arms[{i}].values[{huge.j}]"] = [$"{huge.v} is beyond ±{AnalysisSettings.MaxMagnitude:G}; rescale the metric."];
            if (arm.Seeds is { } seeds && seeds.Count != arm.Values.Count)
                errors[$"arms[{i}].seeds"] = [$"{seeds.Count} seeds for {arm.Values.Count} values; give one seed per value."];
            else if (arm.Seeds is { } s && s.Distinct().Count() != s.Count)
                errors[$"arms[{i}].seeds"] = ["Each seed may appear once per arm."];
            if (arm.Failed < 0 || arm.Cancelled < 0)
                errors[$"arms[{i}]"] = ["Failed and cancelled counts cannot be negative."];
        }
        if (baseline is not null && arms.All(a => a.Name != baseline))
            errors["baseline"] = [$"'{baseline}' is not one of the arms."];
        AnalysisSettings.CheckLevel(settings.Level, "level", errors);
        if (!(settings.Power is >= AnalysisSettings.MinPower and <= AnalysisSettings.MaxPower))
            errors["power"] = [$"{settings.Power} is not a usable power; use {AnalysisSettings.MinPower} to {AnalysisSettings.MaxPower}, such as 0.8."];
        if (settings.PilotSd is { } sd && !(sd > 0 && sd <= AnalysisSettings.MaxMagnitude))
            errors["pilotSd"] = [$"A pilot standard deviation must be positive and at most {AnalysisSettings.MaxMagnitude:G}."];
        if (settings.Margin is { } margin && !(margin > 0 && margin <= AnalysisSettings.MaxMagnitude))
            errors["margin"] = [$"An equivalence margin must be positive and at most {AnalysisSettings.MaxMagnitude:G}, in the metric's units."];
        if (settings.TargetDifference is { } t && !(t != 0 && Math.Abs(t) <= AnalysisSettings.MaxMagnitude))
            errors["targetDifference"] = [$"A target difference must be a non-zero number within ±{AnalysisSettings.MaxMagnitude:G}."];
        return errors;
    }

    private static double? PlanningSd(IReadOnlyList<ArmResult> arms, AnalysisSettings settings, out string source)
    {
        if (settings.PilotSd is { } pilot)
        {
            source = "pilot";
            return pilot;
        }
        var usable = arms.Where(a => a.Summary is { N: >= 2, StandardDeviation: not null }).ToList();
        var df = usable.Sum(a => a.Summary.N - 1);
        if (df == 0)
        {
            source = "none: no arm has 2 runs";
            return null;
        }
        source = $"pooled over {usable.Count} arm{(usable.Count == 1 ? "" : "s")} ({df} degrees of freedom)";
        var sd = Math.Sqrt(usable.Sum(a => (a.Summary.N - 1) * a.Summary.StandardDeviation!.Value * a.Summary.StandardDeviation.Value) / df);
        return sd > 0 ? sd : null;
    }

    private static Planning Plan(IReadOnlyList<ArmResult> arms, double? sd, string sdSource, double alpha, AnalysisSettings settings)
    {
        var counts = arms.Select(a => a.Summary.N).Where(n => n > 0).ToList();
        int? runs = counts.Count > 0 ? counts.Min() : null;
        if (sd is not > 0)
            return new Planning(sd, sdSource, settings.Power, alpha, runs, null, settings.TargetDifference, null);
        double? detectable = runs >= 2 ? PowerAnalysis.MinimumDetectableDifference(runs.Value, sd.Value, alpha, settings.Power) : null;
        double? needed = settings.TargetDifference is { } target ? PowerAnalysis.RunsPerArm(target, sd.Value, alpha, settings.Power) : null;
        return new Planning(sd, sdSource, settings.Power, alpha, runs, detectable, settings.TargetDifference, needed);
    }

    private static string Runs(int n) => n == 1 ? "1 run" : $"{n} runs";

    public static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
