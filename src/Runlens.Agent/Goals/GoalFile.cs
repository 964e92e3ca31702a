using System.Collections.Immutable;
using Runlens.Agent.Configuration;
using Runlens.Agent.Experiments;
using Runlens.Agent.Yaml;

namespace Runlens.Agent.Goals;

/// <summary>
/// Reads a goal: a YAML file (<c>goal.yaml</c>: the text, the target, the data set, seeds, budget and an optional
/// starting configuration; docs/agent.md) or a sentence (<c>"reach macro-F1 0.95 on digits"</c>, <see cref="GoalText"/>).
/// What the goal leaves out comes from the agent config. Errors are one line with file:line and the fix.
/// </summary>
public static class GoalFile
{
    /// <exception cref="AgentInputException">The file cannot be read, or the goal is incomplete or wrong.</exception>
    public static AgentGoal Read(string path, AgentConfig config)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AgentInputException($"{path}: cannot read the goal: {ex.Message}; give a goal YAML file or the goal as a sentence in quotes");
        }

        return Parse(path, text, config);
    }

    public static AgentGoal Parse(string file, string text, AgentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var root = YamlSection.Parse(file, text).Only("goal", "name", "target", "dataset", "label", "seeds", "budget", "start");
        var sentence = root.Required("goal", "\"reach macro-F1 0.95 on digits\"");
        var fromText = GoalText.TryParse(sentence);
        var t = root.Section("target")?.Only("metric", "direction", "threshold", "judged_on");
        var metric = t?.String("metric") is { } m ? GoalText.Metric(m) ?? throw t.Error("metric", $"'{m}' is not a metric Runlens evaluates", "use one of " + string.Join(", ", GoalText.Metrics)) : fromText?.Metric;
        if (metric is null)
        {
            throw new AgentInputException($"{file}:{(t ?? root).Line}: the goal names no metric; add target.metric (e.g. f1_macro, accuracy) or say it in the goal, e.g. \"reach macro-F1 0.95 on digits\"");
        }

        var threshold = t?.Number("threshold", double.MinValue, double.MaxValue, "0.95") ?? fromText?.Threshold
            ?? throw new AgentInputException($"{file}:{(t ?? root).Line}: the goal names no threshold for {metric}; add target.threshold (e.g. 0.95) or say it in the goal");
        var greater = t?.Choice("direction", "maximize", "minimize") is { } dir ? dir == "maximize" : GoalText.GreaterIsBetter(metric);
        var judged = t?.Choice("judged_on", "mean", "ci95_bound") == "ci95_bound" ? JudgedOn.Ci95Bound : JudgedOn.Mean;
        var dataset = root.String("dataset") ?? fromText?.Dataset
            ?? throw new AgentInputException($"{file}:{root.Line}: the goal names no data set; add dataset: sklearn:digits (or csv:PATH, module:PATH.py:FUNCTION)");
        dataset = GoalText.Dataset(dataset, Path.GetDirectoryName(Path.GetFullPath(file))!)
            ?? throw root.Error("dataset", $"'{dataset}' is not a data set the trainer reads", "use sklearn:digits|iris|wine|breast_cancer, csv:PATH or module:PATH.py:FUNCTION");
        var seeds = root.Seeds("seeds") ?? config.Evaluation.Seeds;
        var budget = Budget(root.Section("budget"), config.Budget);
        var start = root.Section("start") is { } s ? Start(s, config, dataset) : null;
        var name = root.String("name") ?? GoalText.Slug(sentence);
        var label = root.String("label");
        if (label is not null && !dataset.StartsWith("csv:", StringComparison.Ordinal))
        {
            throw root.Error("label", $"'{label}' names a label column, but {dataset} is not a CSV data set", "remove label, or use dataset: csv:PATH");
        }

        return new AgentGoal(sentence, name, new GoalTarget(metric, greater, threshold, judged), dataset, seeds, budget, start, label);
    }

    /// <summary>A goal given as a sentence on the command line, with the agent config's seeds and budget.</summary>
    /// <exception cref="AgentInputException">The sentence names no metric, threshold or data set.</exception>
    public static AgentGoal FromText(string sentence, AgentConfig config)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        ArgumentNullException.ThrowIfNull(config);
        var parsed = GoalText.TryParse(sentence);
        if (parsed?.Metric is not { } metric)
        {
            throw new AgentInputException($"goal \"{sentence}\": it names no metric Runlens evaluates; say e.g. \"reach macro-F1 0.95 on digits\" (metrics: {string.Join(", ", GoalText.Metrics)}), or write a goal.yaml with target.metric");
        }

        if (parsed.Threshold is not { } threshold)
        {
            throw new AgentInputException($"goal \"{sentence}\": it names no threshold for {metric}; say e.g. \"reach macro-F1 0.95 on digits\"");
        }

        if (parsed.Dataset is not { } dataset)
        {
            throw new AgentInputException($"goal \"{sentence}\": it names no data set; say e.g. \"... on digits\" (scikit-learn's digits, iris, wine, breast_cancer), or write a goal.yaml with dataset: csv:PATH");
        }

        return new AgentGoal(sentence, GoalText.Slug(sentence), new GoalTarget(metric, GoalText.GreaterIsBetter(metric), threshold, JudgedOn.Mean),
            dataset, config.Evaluation.Seeds, config.Budget, null);
    }

    internal static AgentBudget Budget(YamlSection? section, AgentBudget fallback)
    {
        section?.Only("iterations", "runs", "wall_minutes");
        return new AgentBudget(
            section?.Integer("iterations", 1, 10_000, "8") ?? fallback.Iterations,
            section?.Integer("runs", 1, 100_000, "30") ?? fallback.Runs,
            section?.Number("wall_minutes", 0.01, 60 * 24 * 365, "30") ?? fallback.WallMinutes);
    }

    private static ExperimentConfig Start(YamlSection start, AgentConfig config, string dataset)
    {
        start.Only("model", "training");
        var e = config.Evaluation;
        var model = start.Section("model");
        var architecture = model?.Choice("architecture", ModelConfig.Architectures) ?? e.Architecture;
        var baseline = new ExperimentConfig(new DatasetConfig(dataset, e.Split), ModelConfig.Default(architecture),
            new TrainingConfig(e.Optimizer, e.LearningRate, e.Epochs, e.BatchSize));
        var applied = baseline;
        foreach (var (section, prefix) in new[] { (model, "model."), (start.Section("training"), "") })
        {
            if (section is null)
            {
                continue;
            }

            foreach (var (key, _) in ConfigKeys.All.Where(k => k.Key.StartsWith(prefix, StringComparison.Ordinal) && (prefix.Length > 0 || !k.Key.Contains('.', StringComparison.Ordinal))))
            {
                var name = key[prefix.Length..];
                if (name == "architecture" || !section.Has(name))
                {
                    continue;
                }

                var node = section.Json(name);
                try
                {
                    applied = ConfigKeys.With(applied, key, node);
                }
                catch (FormatException ex)
                {
                    throw section.Error(name, "is wrong: " + ex.Message, "fix the value");
                }
            }

            section.Only([.. ConfigKeys.All.Where(k => k.Key.StartsWith(prefix, StringComparison.Ordinal) && (prefix.Length > 0 || !k.Key.Contains('.', StringComparison.Ordinal))).Select(k => k.Key[prefix.Length..])]);
        }

        try
        {
            return ConfigKeys.Validate(applied);
        }
        catch (FormatException ex)
        {
            throw start.Error("model", "is wrong: " + ex.Message, "fix the values");
        }
    }
}
