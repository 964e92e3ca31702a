using System.Collections.Immutable;
using System.Text.Json;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>The benchmark as committed: the runs with their truth, the cause table and the rules left out of scoring.</summary>
/// <param name="Root">The benchmark folder (<c>bench/diagnosis</c>).</param>
/// <param name="Runs">Every run, in id order.</param>
/// <param name="Causes">causes.json.</param>
/// <param name="IgnoredRules">Rules not scored (conditions.json <c>ignored_rules</c>).</param>
internal sealed record BenchData(string Root, ImmutableArray<BenchRun> Runs, CauseTable Causes, ImmutableHashSet<string> IgnoredRules)
{
    public const string RunsFolder = "runs";
    public const string RecordedFile = "recorded.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The benchmark folder of the repository this program or test runs from (the folder holding Runlens.slnx).</summary>
    public static string DefaultRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runlens.slnx")))
            {
                return Path.Combine(dir.FullName, "bench", "diagnosis");
            }
        }

        throw new BenchDataException($"{AppContext.BaseDirectory}: no Runlens.slnx above this folder; pass --data DIR (the bench/diagnosis folder)");
    }

    /// <summary>Reads the benchmark folder; a missing or unreadable file is a <see cref="BenchDataException"/> naming it.</summary>
    public static BenchData Load(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new BenchDataException($"{root}: no such folder; pass --data DIR, the folder holding runs/, causes.json and conditions.json");
        }

        var runsDir = Path.Combine(root, RunsFolder);
        if (!Directory.Exists(runsDir))
        {
            throw new BenchDataException($"{runsDir}: no such folder; generate the runs with `nice /usr/bin/python3 bench/diagnosis/generate.py`");
        }

        var runs = new List<BenchRun>();
        foreach (var dir in Directory.EnumerateDirectories(runsDir).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(dir, "truth.json");
            if (!File.Exists(file))
            {
                throw new BenchDataException($"{file}: missing; a run folder without its truth was left by an interrupted generator (rerun it)");
            }

            var truth = Read<BenchTruth>(file);
            if (truth.Faults.IsDefault || truth.Allowed.IsDefault || string.IsNullOrEmpty(truth.Log) || string.IsNullOrEmpty(truth.RootCause))
            {
                throw new BenchDataException($"{file}: faults, allowed, log and root_cause are required; regenerate the run");
            }

            if (truth.Split is not (BenchTruth.Tuning or BenchTruth.HeldOut) || (truth.Split == BenchTruth.Tuning) != truth.Seed is 0 or 1)
            {
                throw new BenchDataException($"{file}: split '{truth.Split}' does not follow the rule (seeds 0-1 tuning, 2 and up heldout)");
            }

            runs.Add(new BenchRun(dir, truth));
        }

        return new BenchData(root, [.. runs], LoadCauses(Path.Combine(root, "causes.json")), LoadIgnored(Path.Combine(root, "conditions.json")));
    }

    private static CauseTable LoadCauses(string file)
    {
        using var doc = Parse(file);
        if (!doc.RootElement.TryGetProperty("causes", out var causes) || causes.ValueKind != JsonValueKind.Object)
        {
            throw new BenchDataException($"{file}: no \"causes\" object");
        }

        var accepts = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var cause in causes.EnumerateObject())
        {
            if (!cause.Value.TryGetProperty("accepts", out var ids) || ids.ValueKind != JsonValueKind.Array)
            {
                throw new BenchDataException($"{file}: cause '{cause.Name}' has no \"accepts\" array");
            }

            accepts[cause.Name] = [.. ids.EnumerateArray().Select(i => i.GetString() ?? "")];
        }

        return new CauseTable(accepts.ToImmutable());
    }

    private static ImmutableHashSet<string> LoadIgnored(string file)
    {
        using var doc = Parse(file);
        return doc.RootElement.TryGetProperty("ignored_rules", out var ignored) && ignored.ValueKind == JsonValueKind.Object
            ? [.. ignored.EnumerateObject().Select(p => p.Name)]
            : [];
    }

    private static T Read<T>(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(file), Json)
                ?? throw new BenchDataException($"{file}: empty JSON document");
        }
        catch (JsonException ex)
        {
            throw new BenchDataException($"{file}: line {ex.LineNumber + 1}: {ex.Message}");
        }
    }

    private static JsonDocument Parse(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(file));
        }
        catch (FileNotFoundException)
        {
            throw new BenchDataException($"{file}: missing");
        }
        catch (JsonException ex)
        {
            throw new BenchDataException($"{file}: line {ex.LineNumber + 1}: {ex.Message}");
        }
    }
}
