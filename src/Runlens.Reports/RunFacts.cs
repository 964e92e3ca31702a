using System.Globalization;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Model;

namespace Runlens.Reports;

/// <summary>Facts about a run shown in every report (the trainer's own figure where it recorded one).</summary>
internal static class RunFacts
{
    public static long? GlobalStep(Run run)
    {
        if (run.Trainer.GlobalStep is { } g)
        {
            return g;
        }

        long? max = null;
        foreach (var s in run.Series.Values)
        {
            if (SystemMetrics.IsSystem(s.Key))
            {
                continue; // its steps are seconds, not training steps
            }

            foreach (var p in s.Points.AsSpan())
            {
                if (max is null || p.Step > max)
                {
                    max = p.Step;
                }
            }
        }

        return max;
    }

    public static double? Epochs(Run run) => run.Trainer.Epoch ?? RunAccount.LastEpoch(run);

    /// <summary>How far the run went, as people count it: "12,030 steps, 30 epochs"; a run logged once per epoch whose
    /// steps are epoch numbers is "20 epochs" (its steps are not optimiser steps).</summary>
    public static string? Progress(Run run, RunAccount account)
    {
        if (account.EpochIndexed && account.EpochsRun is { } n)
        {
            return n.ToString("N0", CultureInfo.InvariantCulture) + (n == 1 ? " epoch" : " epochs");
        }

        var parts = new List<string>();
        if (GlobalStep(run) is { } gs)
        {
            parts.Add(Analysis.Format.Step(gs) + " steps");
        }

        if (Epochs(run) is { } ep)
        {
            parts.Add(RunAccount.Epochs(ep));
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    /// <summary>The final value against the best in words: "at its best", "14% worse than its best".</summary>
    public static string Change(MetricOutcome m) => m.RelativeDropFromBest switch
    {
        null => m.Final.Step == m.Best.Step ? "at its best" : "—",
        0 => "at its best",
        { } d => Analysis.Format.Percent(d) + " worse than its best",
    };

    /// <summary>The data and run-accounting facts as short lines: sizes, runtime and FLOPs, then each worked-out figure
    /// with its arithmetic.</summary>
    public static IReadOnlyList<string> AccountLines(RunAccount a)
    {
        var lines = new List<string>();
        var sizes = new List<string>();
        if (a.TrainExamples is { } tr)
        {
            sizes.Add(RunAccount.Count(tr) + " training");
        }

        if (a.EvalExamples is { } ev)
        {
            sizes.Add(RunAccount.Count(ev) + " evaluation");
        }

        if (a.TestExamples is { } te)
        {
            sizes.Add(RunAccount.Count(te) + " test");
        }

        if (sizes.Count > 0)
        {
            lines.Add("Examples: " + string.Join(", ", sizes) + ".");
        }

        var cost = new List<string>();
        if (a.RuntimeSeconds is { } rt)
        {
            cost.Add("runtime " + Duration(rt));
        }

        if (a.TotalFlos is { } fl)
        {
            cost.Add("total FLOPs " + fl.ToString("0.###e+0", CultureInfo.InvariantCulture));
        }

        if (cost.Count > 0)
        {
            lines.Add(char.ToUpperInvariant(cost[0][0]) + string.Join(", ", cost)[1..] + ".");
        }

        lines.AddRange(a.Arithmetic);
        return lines;
    }

    /// <summary>Seconds as "42 s", "12 min 5 s", "3 h 20 min".</summary>
    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes} min")
            : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{t.Minutes} min {t.Seconds} s")
            : string.Create(CultureInfo.InvariantCulture, $"{Analysis.Format.Number(seconds)} s");
    }
}
