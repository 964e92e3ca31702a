using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Agent.Configuration;
using Runlens.Agent.Experiments;
using Runlens.Agent.Goals;
using Runlens.Agent.Llm;
using Runlens.Agent.Logging;
using Runlens.Agent.Planning;
using Runlens.Agent.Registry;
using Runlens.Agent.Tools;
using Runlens.Analysis.Comparison;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Sweeps;
using Runlens.Import;
using Runlens.Import.Output;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Settings;
using Runlens.Pipeline.Stores;
using Runlens.Storage;

namespace Runlens.Agent.Loop;

/// <summary>
/// The research loop of one goal (seed 003 §4.1): plan → assemble and check the model → train every seed → evaluate over
/// the seeds → diagnose each run → compare the experiments so far (and impact, once there are enough runs) → decide →
/// write the registry → store the runs; until the goal is reached, the budget is spent, the experiments stop improving
/// beyond seed noise, or experiments keep failing. The registry is written once per experiment, atomically, with the
/// next planned experiment in it, so <c>runlens agent resume</c> goes on from the last finished experiment after any
/// stop, a <c>kill -9</c> included.
/// </summary>
public sealed class AgentSession : IAsyncDisposable
{
    private readonly Dictionary<string, IReadOnlyDictionary<int, Diagnosis>> _diagnoses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelSummaryRecord> _checked = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly IPlanner _planner;
    private readonly LlmClient? _tools;
    private readonly DiagnosisService _diagnosis;
    private readonly AgentStore _store;
    private readonly double _spentBefore;
    private AgentRegistry _registry;
    private Task _storing = Task.CompletedTask;
    private int _warm;

    private AgentSession(string project, AgentRegistry registry, AgentConfig config, AgentLog log, AgentStore store, PipelineSettings? rules)
    {
        _diagnosis = new DiagnosisService(rules);
        Project = project;
        _registry = registry;
        Config = config;
        Log = log;
        _store = store;
        _spentBefore = registry.SpentSeconds;
        Goal = new AgentGoal(registry.Goal, registry.Name, registry.Target, registry.Dataset, registry.Seeds, registry.Budget);
        _planner = config.Planner == LlmPlanner.Name
            ? new LlmPlanner(new LlmClient("planning", config.Planning, config.Retry, log), log, config.Retry)
            : new RuleBasedPlanner();
        _tools = config.GenerateModels ? new LlmClient("tools", config.Tools, config.Retry, log) : null;
    }

    public string Project { get; }

    public AgentConfig Config { get; }

    public AgentGoal Goal { get; }

    public AgentLog Log { get; }

    public AgentRegistry Registry => _registry;

    private string RegistryPath => Path.Combine(Project, RegistryFile.FileName);

    /// <summary>Creates the goal's project folder (seed 003 §4.1 scaffold), its registry with the first experiment
    /// planned, and the session that runs it.</summary>
    /// <exception cref="AgentInputException">The config cannot run (no trainer, no API key), or the store cannot be opened.</exception>
    /// <param name="rules">The rule options the runs are diagnosed with (the pipeline's policy: <c>runlens.yaml</c>, <c>--set</c>); null: the defaults.</param>
    public static async Task<AgentSession> StartAsync(AgentGoal goal, AgentConfig config, TextWriter? console, PipelineSettings? rules = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(config);
        TrainerScript.Check(config);
        var now = DateTimeOffset.UtcNow;
        var project = Path.GetFullPath(Path.Combine(config.Projects, goal.Name + "-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        for (var n = 2; Directory.Exists(project); n++)
        {
            project = Path.GetFullPath(Path.Combine(config.Projects, goal.Name + "-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + n.ToString(CultureInfo.InvariantCulture)));
        }

        var correlation = Guid.NewGuid().ToString("N");
        var e = config.Evaluation;
        var start = goal.Start ?? new ExperimentConfig(new DatasetConfig(goal.Dataset, e.Split), ModelConfig.Default(e.Architecture),
            new TrainingConfig(e.Optimizer, e.LearningRate, e.Epochs, e.BatchSize));
        start = start with { Dataset = start.Dataset with { Source = goal.Dataset, Target = goal.Label ?? start.Dataset.Target } };
        var registry = new AgentRegistry(AgentRegistry.SchemaName, goal.Text, goal.Name, correlation, goal.Target, goal.Dataset, goal.Seeds, goal.Budget,
            now, now, AgentRegistry.Running, null, 0, [],
            new PlannedExperiment("E001", start, null, [], goal.Start is null ? "The default starting configuration of the agent config." : "The starting configuration the goal gives.", "start"));

        // The store first (a store that cannot be opened leaves no project behind), then the project, built in a
        // temporary folder beside it and renamed into place with its registry in it: a project folder never exists
        // without its registry, even when the agent is killed while creating it.
        var store = await OpenStoreAsync(config, goal.Name, correlation, cancellationToken).ConfigureAwait(false);
        AgentLog? log = null;
        try
        {
            var building = Path.Combine(Path.GetDirectoryName(project)!, "." + Path.GetFileName(project) + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            ProjectLayout.Scaffold(building);
            if (config.File is { } file)
            {
                File.Copy(file, Path.Combine(building, "agent.yaml"), overwrite: true);
            }

            await RegistryFile.WriteAsync(Path.Combine(building, RegistryFile.FileName), registry, cancellationToken).ConfigureAwait(false);
            Directory.Move(building, project);
            log = new AgentLog(Path.Combine(project, ProjectLayout.Logs, AgentLog.NewFileName(now)), correlation, console);
            log.Info("agent_started", $"goal \"{goal.Text}\": {goal.Target.Describe()} on {goal.Dataset}, {goal.Seeds.Length} seeds per experiment; project {project}",
                data: new JsonObject
                {
                    ["project"] = project,
                    ["planner"] = config.Planner,
                    ["store"] = StoreLocation.Resolve(config.Store),
                    ["budget"] = new JsonObject { ["iterations"] = goal.Budget.Iterations, ["runs"] = goal.Budget.Runs, ["wall_minutes"] = goal.Budget.WallMinutes },
                });
            return new AgentSession(project, registry, config, log, store, rules);
        }
        catch
        {
            log?.Dispose();
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a project folder to go on where it stopped: the registry's next planned experiment, with the
    /// experiments so far read back from their folders (for the comparison and the planner) and their runs saved to the
    /// store again (idempotent).</summary>
    /// <param name="config">The agent config; null: the project's copy (<c>agent.yaml</c>), else the defaults.</param>
    /// <exception cref="AgentInputException">Not a project folder, or its registry cannot be read.</exception>
    public static async Task<AgentSession> ResumeAsync(string project, AgentConfig? config, TextWriter? console, PipelineSettings? rules = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        var path = Path.Combine(project, RegistryFile.FileName);
        if (!File.Exists(path))
        {
            throw new AgentInputException($"{project}: no {RegistryFile.FileName} here; give a project folder that `runlens agent` created");
        }

        var registry = RegistryFile.Read(path);
        var copy = Path.Combine(project, "agent.yaml");
        config ??= File.Exists(copy) ? AgentConfigFile.Read(copy) : AgentConfig.Default;
        TrainerScript.Check(config);
        var log = new AgentLog(Path.Combine(project, ProjectLayout.Logs, AgentLog.NewFileName(DateTimeOffset.UtcNow)), registry.CorrelationId, console);
        try
        {
            var store = await OpenStoreAsync(config, registry.Name, registry.CorrelationId, cancellationToken).ConfigureAwait(false);
            var session = new AgentSession(Path.GetFullPath(project), registry, config, log, store, rules);
            log.Info("agent_resumed", $"resuming \"{registry.Goal}\" after {registry.Experiments.Length} experiment(s); " + (registry.Status == AgentRegistry.Running
                ? $"next: {registry.Next?.Id ?? "(none planned)"}" : $"it has {registry.Status.Replace('_', ' ')}: {registry.StopReason}"));
            await session.ReloadAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>Runs experiments until a stop criterion holds.</summary>
    public async Task<AgentOutcome> RunAsync(CancellationToken cancellationToken = default)
    {
        while (_registry.Status == AgentRegistry.Running)
        {
            if (_registry.Next is not { } next)
            {
                await FinishAsync(AgentRegistry.Stopped, "no experiment is planned", cancellationToken).ConfigureAwait(false);
                break;
            }

            if (BudgetStop() is { } spent)
            {
                await FinishAsync(AgentRegistry.Stopped, spent, cancellationToken).ConfigureAwait(false);
                break;
            }

            var result = await RunExperimentAsync(next, cancellationToken).ConfigureAwait(false);
            await ConcludeAsync(result, cancellationToken).ConfigureAwait(false);
        }

        await StoredAsync().ConfigureAwait(false);
        var best = _registry.Experiments.Where(e => e.Evaluation?.GoalValue is not null)
            .OrderBy(e => Goal.Target.GreaterIsBetter ? -e.Evaluation!.GoalValue!.Value : e.Evaluation!.GoalValue!.Value).FirstOrDefault();
        Log.Info("agent_stopped", $"{_registry.Status.Replace('_', ' ')}: {_registry.StopReason}" + (best is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"; best {best.Id}: {Goal.Target.Metric} {best.Evaluation!.GoalValue:G4}")), data: new JsonObject
        {
            ["status"] = _registry.Status,
            ["experiments"] = _registry.Experiments.Length,
            ["runs"] = _registry.RunsUsed,
            ["spent_seconds"] = _registry.SpentSeconds,
        });
        return new AgentOutcome(Project, _registry.Status, _registry.StopReason, best?.Id, best?.Evaluation?.GoalValue, _registry.Experiments.Length, Log.FilePath);
    }

    /// <summary>Assembles and checks the model, then trains every seed (up to <c>evaluation.parallel</c> at once).</summary>
    public async Task<ExperimentResult> RunExperimentAsync(PlannedExperiment next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        var started = DateTimeOffset.UtcNow;
        var id = next.Id;
        Log.Info("experiment_started", $"{next.Reason} Model: {ModelAssembler.Describe(next.Config.Model)}; training: {next.Config.Training.Optimizer}, learning rate {next.Config.Training.LearningRate.ToString("G4", CultureInfo.InvariantCulture)}, {next.Config.Training.Epochs} epochs, batch {next.Config.Training.BatchSize}",
            id, data: new JsonObject { ["planner"] = next.Planner, ["base"] = next.Base, ["changes"] = next.Changes.Length });

        // The model assembler (templates, or the tools' LLM with a template to fall back on) and the model check.
        var assembly = Stopwatch.StartNew();
        var codePath = Path.Combine(ProjectLayout.Models, id + ".py");
        var code = ModelAssembler.Assemble(next.Config.Model);
        var source = "template";
        if (_tools is not null)
        {
            var (written, problem) = await ModelWriter.WriteAsync(_tools, next.Config.Model, id, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                (code, source) = (written, "llm");
            }
            else
            {
                Log.Warning("tool_result", $"the tools' LLM wrote no model ({problem}); using the {next.Config.Model.Architecture} template", id, "model_assembler");
            }
        }

        await File.WriteAllTextAsync(Path.Combine(Project, codePath), code, cancellationToken).ConfigureAwait(false);
        var configFile = await ExperimentFile.WriteAsync(Project, id, _registry.CorrelationId, next.Config, Path.Combine(Project, codePath), Config.Trainer.MaxMemoryMb, cancellationToken).ConfigureAwait(false);
        assembly.Stop();
        Log.Debug("tool_result", $"model code {codePath} ({source}), config {Path.GetRelativePath(Project, configFile)}", id, "model_assembler",
            new JsonObject { ["source"] = source, ["seconds"] = assembly.Elapsed.TotalSeconds });

        var (summary, failure, checkTime) = await CheckAsync(id, code, configFile, cancellationToken).ConfigureAwait(false);
        if (summary is null && source == "llm")
        {
            Log.Warning("tool_result", $"the LLM's model failed its check ({failure}); using the {next.Config.Model.Architecture} template", id, "model_summary");
            code = ModelAssembler.Assemble(next.Config.Model);
            await File.WriteAllTextAsync(Path.Combine(Project, codePath), code, cancellationToken).ConfigureAwait(false);
            (summary, failure, var again) = await CheckAsync(id, code, configFile, cancellationToken).ConfigureAwait(false);
            checkTime += again;
        }

        if (summary is null)
        {
            Log.Error("tool_result", $"the model cannot be used: {failure}", id, "model_summary");
            return new ExperimentResult(next, _registry.Experiments.Length + 1, started, codePath, null, [], "the model check failed: " + failure, checkTime, TimeSpan.Zero, assembly.Elapsed, [], TimeSpan.Zero);
        }

        // The trainer: every seed, each in its own folder, as `runlens run` records a command. Each seed is evaluated
        // and diagnosed as soon as it finishes, while the others still train.
        var training = Stopwatch.StartNew();
        var lastTrained = TimeSpan.Zero;
        using var gate = new SemaphoreSlim(Config.Evaluation.Parallel);
        var seeds = await Task.WhenAll(Goal.Seeds.Select(async seed =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            SeedOutcome outcome;
            try
            {
                outcome = await TrainSeedAsync(id, configFile, seed, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }

            lock (gate)
            {
                lastTrained = training.Elapsed > lastTrained ? training.Elapsed : lastTrained;
            }

            var analysis = await AnalyzeSeedAsync(id, outcome, cancellationToken).ConfigureAwait(false);
            WarmUp(analysis);
            return (outcome, analysis);
        })).ConfigureAwait(false);
        training.Stop();
        var outcomes = seeds.Select(s => s.outcome).ToList();
        var allFailed = outcomes.All(o => o.Status != SeedTrainer.Finished);
        return new ExperimentResult(next, _registry.Experiments.Length + 1, started, codePath, summary, outcomes,
            allFailed ? $"every run failed: {outcomes.Select(o => o.Failure).FirstOrDefault(f => f is not null)}" : null, checkTime, lastTrained, assembly.Elapsed,
            [.. seeds.Select(s => s.Item2)], training.Elapsed - lastTrained);
    }

    /// <summary>One seed's predictions read and evaluated, and its run diagnosed with them.</summary>
    private async Task<SeedAnalysis> AnalyzeSeedAsync(string id, SeedOutcome outcome, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (context, evaluation, problem) = await QuickEvaluator.ReadSeedAsync(outcome, cancellationToken).ConfigureAwait(false);
        var diagnosis = outcome.Run is { } run ? _diagnosis.Diagnose(new ResolvedRun(run, context)) : null;
        var analysis = new SeedAnalysis(outcome.Seed, context, evaluation, problem, diagnosis, watch.Elapsed);
        Log.Debug("tool_result", string.Create(CultureInfo.InvariantCulture, $"seed {outcome.Seed} evaluated and diagnosed in {watch.Elapsed.TotalSeconds:0.000} s"), id, "seed_analysis",
            new JsonObject { ["seed"] = outcome.Seed, ["seconds"] = watch.Elapsed.TotalSeconds });
        return analysis;
    }

    /// <summary>The agent's own work after training: evaluate over the seeds, diagnose each run, compare the experiments
    /// so far (and impact), plan, apply the stop criteria, write the registry, store the runs.</summary>
    public async Task<ExperimentRecord> ConcludeAsync(ExperimentResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var work = Stopwatch.StartNew();
        var next = result.Plan;
        var id = next.Id;
        var outcomes = result.Outcomes;

        var watch = Stopwatch.StartNew();
        var evaluation = QuickEvaluator.Aggregate(Goal, result.Analyses);
        foreach (var problem in evaluation.Problems)
        {
            Log.Warning("tool_result", problem, id, "quick_evaluator");
        }

        if (evaluation.Record is { } ev)
        {
            var m = ev.Aggregated.GetValueOrDefault(Goal.Target.Metric);
            var interval = m?.Ci95 is { } ci ? string.Create(CultureInfo.InvariantCulture, $", 95% interval [{ci[0]:G4}, {ci[1]:G4}]") : "";
            Log.Info("tool_result", string.Create(CultureInfo.InvariantCulture, $"{Goal.Target.Metric} over {ev.NumSeeds} seeds: mean {m?.Mean:G4}{interval}; goal {(ev.GoalAchieved ? "achieved" : "not reached")} ({Goal.Target.Describe()})"), id, "quick_evaluator",
                new JsonObject { ["goal_value"] = ev.GoalValue, ["goal_achieved"] = ev.GoalAchieved, ["seconds"] = watch.Elapsed.TotalSeconds });
        }

        watch.Restart();
        var diagnoses = result.Analyses.Where(a => a.Diagnosis is not null).ToDictionary(a => a.Seed, a => a.Diagnosis!);
        _diagnoses[id] = diagnoses;
        var digest = SeedDiagnoses.Digest(diagnoses, evaluation.Record?.BestSeed);
        if (digest is not null)
        {
            Log.Info("tool_result", $"diagnosis: {digest.Headline}" + (digest.RootCauses.Length > 0 ? $" Root causes: {string.Join("; ", digest.RootCauses.Select(r => $"{r.Title} ({r.Seeds.Length} of {diagnoses.Count} seeds)"))}." : ""),
                id, "diagnosis", new JsonObject { ["status"] = digest.Status, ["seconds"] = watch.Elapsed.TotalSeconds });
        }

        watch.Restart();
        var (comparison, improved) = Compare(id, evaluation.Record);
        var impact = Impact();
        Log.Debug("tool_result", comparison?.Message ?? "nothing to compare yet", id, "comparison", new JsonObject { ["seconds"] = watch.Elapsed.TotalSeconds, ["improved"] = improved });

        var runs = outcomes.Select(o => new SeedRunRecord(o.Seed, Path.GetRelativePath(Project, o.Folder), o.Run is null ? null : AgentStore.RunId(_registry.CorrelationId, id, o.Seed),
            o.Status, o.ExitCode, Math.Round(o.Elapsed.TotalSeconds, 3), o.Failure)).ToImmutableArray();
        var failure = result.Failure ?? (evaluation.Record is null && outcomes.Count > 0 ? "no run gave predictions to evaluate" : null);
        var record = new ExperimentRecord(id, result.Iteration, result.Started, DateTimeOffset.UtcNow, next.Config, next.Base, next.Changes, next.Reason, next.Planner,
            result.ModelCode, result.Summary, runs, evaluation.Record, digest, comparison, impact, improved,
            new DecisionRecord("refine", "", RuleBasedPlanner.Name, false, null), failure);

        // The planner decides; the stop criteria can overrule a refine.
        watch.Restart();
        var experiments = _registry.Experiments.Add(record);
        var nextId = "E" + (experiments.Length + 1).ToString("D3", CultureInfo.InvariantCulture);
        var plan = await _planner.PlanAsync(new PlanningContext(Goal, Config, experiments, _diagnoses, LastComparison, LastImpact, nextId), cancellationToken).ConfigureAwait(false);
        Log.Info("plan", $"{plan.ActionName}: {plan.Reason}", id, data: new JsonObject
        {
            ["planner"] = plan.Planner,
            ["fell_back"] = plan.FellBack,
            ["changes"] = new JsonArray([.. plan.Changes.Select(c => (JsonNode?)new JsonObject { ["key"] = c.Key, ["from"] = c.From?.DeepClone(), ["to"] = c.To?.DeepClone(), ["why"] = c.Why })]),
            ["seconds"] = watch.Elapsed.TotalSeconds,
        });
        var (status, stopReason) = plan.Action switch
        {
            PlanAction.GoalAchieved => (AgentRegistry.GoalAchieved, plan.Reason),
            PlanAction.Stop => (AgentRegistry.Stopped, plan.Reason),
            _ => StopCriteria(experiments) is { } why ? (AgentRegistry.Stopped, why) : (AgentRegistry.Running, (string?)null),
        };
        var refine = status == AgentRegistry.Running;
        var decision = new DecisionRecord(refine ? "refine" : status == AgentRegistry.GoalAchieved ? "goal_achieved" : "stop",
            refine ? plan.Reason : stopReason!, plan.Planner, plan.FellBack, refine ? nextId : null);
        record = record with { Decision = decision, Finished = DateTimeOffset.UtcNow };
        _registry = _registry with
        {
            Experiments = _registry.Experiments.Add(record),
            Next = refine ? new PlannedExperiment(nextId, plan.Next!, plan.Base, plan.Changes, plan.Reason, plan.Planner) : null,
            Status = status,
            StopReason = stopReason,
            Updated = DateTimeOffset.UtcNow,
            SpentSeconds = Math.Round(_spentBefore + _clock.Elapsed.TotalSeconds, 3),
        };
        await RegistryFile.WriteAsync(RegistryPath, _registry, cancellationToken).ConfigureAwait(false);

        // The runs go into the store while the next experiment trains: the registry, written above, is what a resume goes
        // by (it saves every registered run again), and the run ends only after the last save.
        await StoredAsync().ConfigureAwait(false);
        _storing = SaveRunsAsync(id, outcomes, cancellationToken);
        work.Stop();
        Log.Info("experiment_finished", string.Create(CultureInfo.InvariantCulture,
            $"{decision.Action}; {result.TrainingTime.TotalSeconds:0.0} s training, {result.CheckTime.TotalSeconds:0.0} s model check, {(work.Elapsed + result.AssemblyTime + result.AnalysisTail).TotalSeconds:0.000} s the agent's own work"), id,
            data: new JsonObject
            {
                ["seconds_training"] = result.TrainingTime.TotalSeconds,
                ["seconds_model_check"] = result.CheckTime.TotalSeconds,
                ["seconds_agent"] = (work.Elapsed + result.AssemblyTime + result.AnalysisTail).TotalSeconds,
                ["seconds_seed_analysis"] = result.Analyses.Sum(a => a.Elapsed.TotalSeconds),
                ["decision"] = decision.Action,
            });
        return record;
    }

    private async Task SaveRunsAsync(string id, IReadOnlyList<SeedOutcome> outcomes, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var watch = Stopwatch.StartNew();
        foreach (var o in outcomes.Where(o => o.Run is not null))
        {
            await _store.SaveAsync(id, o.Seed, o.Run!, o.Predictions, cancellationToken).ConfigureAwait(false);
        }

        Log.Debug("tool_result", $"{outcomes.Count(o => o.Run is not null)} run(s) stored under experiment {Goal.Name}", id, "store", new JsonObject { ["seconds"] = watch.Elapsed.TotalSeconds });
    }

    /// <summary>Waits for the last experiment's runs to be in the store.</summary>
    private async Task StoredAsync()
    {
        var storing = _storing;
        _storing = Task.CompletedTask;
        await storing.ConfigureAwait(false);
    }

    /// <summary>Runs, once per session and while the other seeds still train, the steps that judge an experiment on the
    /// first seed's real analysis taken twice (aggregating, the diagnosis digest, the comparison, the registry's JSON), so
    /// that the code they run is compiled before the experiment is judged; nothing is kept.</summary>
    private void WarmUp(SeedAnalysis first)
    {
        if (first.Evaluation is null || first.Diagnosis is null || Interlocked.Exchange(ref _warm, 1) == 1)
        {
            return;
        }

        var twins = new[] { first, first with { Seed = first.Seed + 1 } };
        var evaluation = QuickEvaluator.Aggregate(Goal with { Seeds = [.. twins.Select(t => t.Seed)] }, twins);
        var diagnoses = twins.ToDictionary(t => t.Seed, t => t.Diagnosis!);
        var digest = SeedDiagnoses.Digest(diagnoses, evaluation.Record?.BestSeed);
        var comparison = ExperimentComparison.Of([.. diagnoses.Values]);
        JsonSerializer.Serialize(Stream.Null, _registry with
        {
            Experiments = [new ExperimentRecord("E000", 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, _registry.Next!.Config, null, [], "", "", "", null, [], evaluation.Record, digest,
                new ComparisonDigest(comparison.Primary?.Key, null, comparison.Seeds.Margin, comparison.Seeds.Noise, Snake(comparison.Seeds.Verdict.ToString()), comparison.Seeds.Message),
                null, false, new DecisionRecord("refine", "", RuleBasedPlanner.Name, false, null), null)],
        }, AgentJson.Indented.AgentRegistry);
    }

    private ExperimentComparison? LastComparison { get; set; }

    private ImpactAnalysis? LastImpact { get; set; }

    private async Task<(ModelSummaryRecord? Summary, string? Failure, TimeSpan Elapsed)> CheckAsync(string id, string code, string configFile, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code + "\n" + Goal.Dataset)));
        if (_checked.TryGetValue(hash, out var known))
        {
            Log.Debug("tool_result", "the same model code was checked before", id, "model_summary");
            return (known, null, TimeSpan.Zero);
        }

        Log.Debug("tool_call", "importing the model and running a dummy batch in a child process", id, "model_summary");
        var (summary, failure, elapsed) = await ModelCheck.RunAsync(Config, Project, configFile, cancellationToken).ConfigureAwait(false);
        if (summary is not null)
        {
            _checked[hash] = summary;
            Log.Info("tool_result", string.Create(CultureInfo.InvariantCulture, $"model checked: {summary.Parameters:N0} parameters in {summary.Layers.Length} layers, output {string.Join("×", summary.OutputShape)}"),
                id, "model_summary", new JsonObject { ["parameters"] = summary.Parameters, ["seconds"] = elapsed.TotalSeconds });
        }

        return (summary, failure, elapsed);
    }

    private async Task<SeedOutcome> TrainSeedAsync(string id, string configFile, int seed, CancellationToken cancellationToken)
    {
        SeedOutcome outcome = null!;
        for (var attempt = 1; attempt <= Config.Retry.RunAttempts; attempt++)
        {
            Log.Debug("tool_call", $"training seed {seed}" + (attempt > 1 ? $" (try {attempt})" : ""), id, "trainer",
                new JsonObject { ["seed"] = seed, ["command"] = new JsonArray([.. SeedTrainer.Command(Config, configFile, seed, ProjectLayout.SeedFolder(id, seed)).Select(a => (JsonNode?)a)]) });
            outcome = await SeedTrainer.RunAsync(Config, Project, configFile, id, seed, _registry.CorrelationId, null, cancellationToken).ConfigureAwait(false);
            if (outcome.Problem is { } problem)
            {
                Log.Warning("tool_result", $"seed {seed}: {problem}", id, "trainer");
            }

            var data = new JsonObject { ["seed"] = seed, ["status"] = outcome.Status, ["exit_code"] = outcome.ExitCode, ["seconds"] = outcome.Elapsed.TotalSeconds };
            if (outcome.Status == SeedTrainer.Finished)
            {
                Log.Info("run_finished", string.Create(CultureInfo.InvariantCulture, $"seed {seed} trained in {outcome.Elapsed.TotalSeconds:0.0} s"), id, "trainer", data);
                break;
            }

            Log.Error("run_finished", $"seed {seed} {outcome.Status.Replace('_', ' ')}: {outcome.Failure}", id, "trainer", data);
        }

        return outcome;
    }

    /// <summary>The comparison of every run so far (the registry's digest), and whether this experiment improved on the
    /// best one before it beyond seed noise (the comparison of their two seed groups).</summary>
    private (ComparisonDigest? Digest, bool Improved) Compare(string id, EvaluationRecord? evaluation)
    {
        LastComparison = null;
        var all = _diagnoses.SelectMany(kv => kv.Value.Select(s => (Experiment: kv.Key, s.Value))).ToList();
        if (all.Count < 2)
        {
            return (null, evaluation?.GoalValue is not null);
        }

        var comparison = ExperimentComparison.Of([.. all.Select(x => x.Value)]);
        LastComparison = comparison;
        var bestExperiment = comparison.Best is { } b ? all[b.Run].Experiment : null;
        var digest = new ComparisonDigest(comparison.Primary?.Key, bestExperiment, comparison.Seeds.Margin, comparison.Seeds.Noise,
            Snake(comparison.Seeds.Verdict.ToString()), comparison.Seeds.Message);

        // Improvement: against the best earlier experiment by the goal figure, through the comparison of their runs.
        var previous = _registry.Experiments.Where(e => e.Evaluation?.GoalValue is not null && _diagnoses.ContainsKey(e.Id))
            .OrderBy(e => Goal.Target.GreaterIsBetter ? -e.Evaluation!.GoalValue!.Value : e.Evaluation!.GoalValue!.Value).FirstOrDefault();
        if (evaluation?.GoalValue is null)
        {
            return (digest, false);
        }

        if (previous is null)
        {
            return (digest, true);
        }

        var pair = _diagnoses[previous.Id].Values.Concat(_diagnoses[id].Values).ToList();
        if (pair.Count < 2)
        {
            return (digest, false);
        }

        var two = ExperimentComparison.Of(pair);
        var mine = _diagnoses[previous.Id].Count;
        var improved = two.Seeds.Verdict == SeedVerdict.BeyondSeedNoise && two.Seeds.Groups.Length > 0 && two.Seeds.Groups[0].Runs.All(r => r >= mine);
        return (digest, improved);
    }

    /// <summary><c>runlens impact</c> over every run so far, once there are 10 or more.</summary>
    private ImpactDigest? Impact()
    {
        LastImpact = null;
        var all = _diagnoses.Values.SelectMany(d => d.Values).ToList();
        if (all.Count < ImpactOptions.Default.MinRuns)
        {
            return null;
        }

        var impact = ImpactAnalyzer.Analyze(all);
        LastImpact = impact;
        return new ImpactDigest(impact.Metric, impact.RunsWithMetric,
            [.. impact.Parameters.Take(5).Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{p.Key}: rho {(p.Spearman is { } s ? $"{s.Rho:+0.00;-0.00} (p {s.PValue:G2})" : "n/a")}, importance {(p.Importance is { } i ? $"{i.Mean:G3}" : "n/a")}"))],
            impact.Caveats);
    }

    /// <summary>The stop criteria after a refine: failures in a row, no improvement beyond seed noise, the budget.</summary>
    private string? StopCriteria(ImmutableArray<ExperimentRecord> experiments)
    {
        var failures = Enumerable.Reverse(experiments).TakeWhile(e => e.Evaluation is null).ToList();
        if (failures.Count >= Config.Stop.MaxFailures)
        {
            return $"{failures.Count} experiments in a row gave no result (the last: {failures[0].Failure}); fix the cause, then `runlens agent resume`";
        }

        var since = Enumerable.Reverse(experiments).TakeWhile(e => !e.Improved).Count();
        if (experiments.Any(e => e.Improved) && since >= Config.Stop.Patience)
        {
            return $"no improvement beyond seed noise in the last {since} experiments (stop.patience {Config.Stop.Patience})";
        }

        return BudgetStop(experiments);
    }

    private string? BudgetStop(ImmutableArray<ExperimentRecord>? experiments = null)
    {
        var done = experiments ?? _registry.Experiments;
        var b = Goal.Budget;
        if (done.Length >= b.Iterations)
        {
            return $"the budget of {b.Iterations} experiments is spent";
        }

        var runs = done.Sum(e => e.Runs.Length);
        if (runs + Goal.Seeds.Length > b.Runs)
        {
            return $"the budget of {b.Runs} runs is spent ({runs} used; an experiment takes {Goal.Seeds.Length})";
        }

        var minutes = (_spentBefore + _clock.Elapsed.TotalSeconds) / 60;
        if (minutes >= b.WallMinutes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the wall-time budget of {b.WallMinutes:G} minutes is spent ({minutes:0.0} minutes)");
        }

        return null;
    }

    private async Task FinishAsync(string status, string reason, CancellationToken cancellationToken)
    {
        _registry = _registry with
        {
            Status = status,
            StopReason = reason,
            Next = null,
            Updated = DateTimeOffset.UtcNow,
            SpentSeconds = Math.Round(_spentBefore + _clock.Elapsed.TotalSeconds, 3),
        };
        await RegistryFile.WriteAsync(RegistryPath, _registry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a resume: every recorded experiment's runs read back from their folders, evaluated and diagnosed
    /// again (the planner and the comparison need them; the results are the same), and saved to the store again.</summary>
    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        foreach (var e in _registry.Experiments)
        {
            var outcomes = new List<SeedOutcome>();
            foreach (var r in e.Runs)
            {
                var folder = Path.Combine(Project, r.Folder);
                Model.Run? run = null;
                if (RunFolder.Is(folder))
                {
                    try
                    {
                        run = (await RunFolder.ReadAsync(folder, cancellationToken).ConfigureAwait(false)).Run;
                    }
                    catch (RunImportException ex)
                    {
                        Log.Warning("tool_result", $"seed {r.Seed}: {ex.Message}", e.Id, "trainer");
                    }
                }

                var predictions = Path.Combine(folder, Config.Trainer.Predictions);
                outcomes.Add(new SeedOutcome(r.Seed, folder, r.Status, r.ExitCode, TimeSpan.FromSeconds(r.Seconds), r.Failure, run, File.Exists(predictions) ? predictions : null, null));
            }

            var evaluation = await QuickEvaluator.EvaluateAsync(Goal, outcomes, cancellationToken).ConfigureAwait(false);
            _diagnoses[e.Id] = SeedDiagnoses.Diagnose(_diagnosis, outcomes, evaluation.Predictions);
            foreach (var o in outcomes.Where(o => o.Run is not null))
            {
                await _store.SaveAsync(e.Id, o.Seed, o.Run!, o.Predictions, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_registry.Experiments.Length > 0)
        {
            Compare(_registry.Experiments[^1].Id, _registry.Experiments[^1].Evaluation);
            Impact();
        }
    }

    private static async Task<AgentStore> OpenStoreAsync(AgentConfig config, string goal, string correlation, CancellationToken cancellationToken)
    {
        try
        {
            return new AgentStore(await StoreLocation.OpenAsync(config.Store, StoreOpenMode.OpenOrCreate, cancellationToken).ConfigureAwait(false), goal, correlation);
        }
        catch (Exception ex) when (ex is StoreException or IOException or UnauthorizedAccessException)
        {
            throw new AgentInputException($"{StoreLocation.Resolve(config.Store)}: cannot open the run store: {ex.Message}; set store in the agent config (a SQLite file or a PostgreSQL URL)");
        }
    }

    private static string Snake(string name) =>
        string.Concat(name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StoredAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StoreException or IOException or OperationCanceledException)
        {
            Log.Error("tool_result", $"the last experiment's runs were not stored: {ex.Message}; `runlens agent resume` stores them again", null, "store");
        }

        await _store.DisposeAsync().ConfigureAwait(false);
        Log.Dispose();
    }
}
