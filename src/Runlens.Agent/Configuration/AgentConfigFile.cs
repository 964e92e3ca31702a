using Runlens.Agent.Goals;
using Runlens.Agent.Yaml;

namespace Runlens.Agent.Configuration;

/// <summary>Reads the agent's YAML configuration (<c>agent.yaml</c>, docs/agent.md); every error is one line naming the
/// file and line, the cause and the fix.</summary>
public static class AgentConfigFile
{
    /// <exception cref="AgentInputException">The file cannot be read or holds a wrong value.</exception>
    public static AgentConfig Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AgentInputException($"{path}: cannot read the agent config: {ex.Message}; give an existing YAML file to --config");
        }

        return Parse(path, text);
    }

    public static AgentConfig Parse(string file, string text)
    {
        var root = YamlSection.Parse(file, text).Only("paths", "store", "planner", "llm", "retry", "evaluation", "trainer", "stop", "budget", "limits");
        var d = AgentConfig.Default;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        string Relative(string p) => Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(folder, p));

        var paths = root.Section("paths")?.Only("projects", "python", "trainer");
        var llm = root.Section("llm")?.Only("profile", "planning", "tools", "generate_models");
        var profile = llm?.Choice("profile", "local", "production") ?? "local";
        var fallback = profile == "local" ? LlmRoleSettings.Local : LlmRoleSettings.Production;
        var retry = root.Section("retry")?.Only("llm_attempts", "backoff_seconds", "max_delay_seconds", "invalid_answers", "run_attempts");
        var eval = root.Section("evaluation")?.Only("seeds", "split", "parallel", "epochs", "batch_size", "learning_rate", "optimizer", "architecture");
        var trainer = root.Section("trainer")?.Only("kind", "command", "time_limit_seconds", "max_memory_mb", "check_time_limit_seconds", "predictions");
        var stop = root.Section("stop")?.Only("patience", "max_failures");
        var limits = root.Section("limits")?.Only("memory_mb");

        var kind = trainer?.Choice("kind", "reference", "command") ?? d.Trainer.Kind;
        var command = trainer?.Strings("command") ?? [];
        if (kind == "command")
        {
            if (command.Length == 0)
            {
                throw trainer!.Error("command", "is missing for kind: command", "write the program and its arguments as a list with {config}, {seed} and {out}, e.g. [python3, train.py, --config, \"{config}\", --seed, \"{seed}\", --out, \"{out}\"]");
            }

            if (!command.Any(a => a.Contains("{out}", StringComparison.Ordinal)))
            {
                throw trainer!.Error("command", "has no {out} placeholder", "the command must write its runlens.jsonl and predictions into {out}");
            }
        }
        else if (command.Length > 0)
        {
            throw trainer!.Error("command", "is given but trainer.kind is reference", "add kind: command to use it");
        }

        var budget = root.Section("budget");
        return new AgentConfig(
            Projects: paths?.String("projects") is { } projects ? Relative(projects) : d.Projects,
            Python: paths?.String("python") ?? d.Python,
            Store: root.String("store") is { } store && !store.Contains("://", StringComparison.Ordinal) && !store.Contains('=', StringComparison.Ordinal) ? Relative(store) : root.String("store"),
            Planner: root.Choice("planner", "rules", "llm") ?? d.Planner,
            Planning: Role(llm?.Section("planning"), fallback),
            Tools: Role(llm?.Section("tools"), fallback),
            GenerateModels: llm?.Boolean("generate_models") ?? false,
            Retry: new RetrySettings(
                retry?.Integer("llm_attempts", 1, 20, "4") ?? d.Retry.LlmAttempts,
                retry?.Number("backoff_seconds", 0, 600, "1") ?? d.Retry.BackoffSeconds,
                retry?.Number("max_delay_seconds", 0, 3600, "30") ?? d.Retry.MaxDelaySeconds,
                retry?.Integer("invalid_answers", 0, 10, "1") ?? d.Retry.InvalidAnswers,
                retry?.Integer("run_attempts", 1, 10, "1") ?? d.Retry.RunAttempts),
            Evaluation: new EvaluationSettings(
                eval?.Seeds("seeds") ?? d.Evaluation.Seeds,
                eval?.Number("split", 0.01, 0.99, "0.25") ?? d.Evaluation.Split,
                eval?.Integer("parallel", 1, 64, "2") ?? d.Evaluation.Parallel,
                eval?.Integer("epochs", 1, 1000, "10") ?? d.Evaluation.Epochs,
                eval?.Integer("batch_size", 1, 65536, "32") ?? d.Evaluation.BatchSize,
                eval?.Number("learning_rate", 1e-12, 10, "0.001") ?? d.Evaluation.LearningRate,
                eval?.Choice("optimizer", "adam", "adamw", "sgd") ?? d.Evaluation.Optimizer,
                eval?.Choice("architecture", Experiments.ModelConfig.Architectures) ?? d.Evaluation.Architecture),
            Trainer: new TrainerSettings(
                kind,
                command,
                paths?.String("trainer") is { } script ? Relative(script) : null,
                trainer?.Number("time_limit_seconds", 1, 7 * 86400, "300") ?? d.Trainer.TimeLimitSeconds,
                trainer?.Integer("max_memory_mb", 256, 1 << 20, "4096") ?? d.Trainer.MaxMemoryMb,
                trainer?.Number("check_time_limit_seconds", 1, 3600, "120") ?? d.Trainer.CheckTimeLimitSeconds,
                trainer?.String("predictions") ?? d.Trainer.Predictions,
                limits?.Integer("memory_mb", 64, 1 << 20, "8192") ?? d.Trainer.RunMemoryMb),
            Stop: new StopSettings(
                stop?.Integer("patience", 1, 100, "3") ?? d.Stop.Patience,
                stop?.Integer("max_failures", 1, 100, "2") ?? d.Stop.MaxFailures),
            Budget: GoalFile.Budget(budget, d.Budget),
            File: file);
    }

    private static LlmRoleSettings Role(YamlSection? section, LlmRoleSettings fallback)
    {
        if (section is null)
        {
            return fallback;
        }

        section.Only("base_url", "model", "api_key_env", "timeout_seconds");
        var url = section.String("base_url") ?? fallback.BaseUrl;
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw section.Error("base_url", $"'{url}' is not an http(s) URL", "write e.g. base_url: http://localhost:11434/v1");
        }

        return new LlmRoleSettings(url, section.String("model") ?? fallback.Model, section.String("api_key_env") ?? fallback.ApiKeyEnv,
            section.Number("timeout_seconds", 0.1, 3600, "60") ?? fallback.TimeoutSeconds);
    }
}
