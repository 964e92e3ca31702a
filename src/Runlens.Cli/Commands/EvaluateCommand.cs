using System.CommandLine;
using System.Collections.Immutable;
using Runlens.Analysis.Evaluation;
using Runlens.Audit;
using Runlens.Import;
using Runlens.Reports.Evaluation;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens evaluate PREDICTIONS... [--seeds] [--group-by COL] [--slice-by COL] [--bucket-by COL:EDGES] [--format text|json|md] [--out FILE]</c>: metrics from predictions,
/// as scikit-learn (and seqeval for token files) compute them.</summary>
internal static class EvaluateCommand
{
    public static Command Build()
    {
        var files = new Argument<string[]>("predictions") { Description = "Predictions files (CSV or JSONL: example_id, label, predicted, prob_<class>...; token files with sentence_id)", Arity = ArgumentArity.OneOrMore };
        var seeds = new Option<bool>("--seeds") { Description = "The files are runs of one config that differ only by seed: aggregate every metric (mean, std, min, max, 95% CI) and name the best seed" };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "md");
        var output = new Option<string?>("--out", "-o") { Description = "Write the report to this file instead of standard output" };
        var sliceOptions = new SliceOptions();
        var audit = new Option<string?>("--audit") { Description = "A runlens audit --format json file: each example's measured properties (blur, size, brightness, duration, copies, source folder) become slices, joined by example id or path" };
        var command = new Command("evaluate", "Compute evaluation metrics from predictions files (values as scikit-learn and seqeval give them).")
        {
            files, seeds, format, output, audit,
        };
        sliceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var (slices, error) = sliceOptions.Parse(parse);
            if (slices is null)
            {
                await Console.Error.WriteLineAsync("runlens: " + error);
                return ExitCodes.Usage;
            }

            ImmutableArray<ExampleProperties> properties = [];
            if (parse.GetValue(audit) is { } auditFile)
            {
                try
                {
                    properties = [.. AuditSlices.ReadExamples(auditFile).Select(AuditSlices.Properties)];
                }
                catch (AuditInputException ex)
                {
                    await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                    return ExitCodes.BadInput;
                }
            }

            return await RunAsync(parse.GetValue(files)!, parse.GetValue(seeds), parse.GetValue(format)!, parse.GetValue(output), slices, properties, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(string[] files, bool seeds, string format, string? outFile, SliceSpec slices,
        ImmutableArray<ExampleProperties> properties, CancellationToken ct)
    {
        var evaluations = new List<PredictionEvaluation>();
        foreach (var file in files)
        {
            var quiet = QuietCollector.Begin(file);
            try
            {
                var context = await Pipeline.Predictions.PredictionInputs.ReadFileAsync(file, slices, "validation", ct);
                if (!properties.IsEmpty && context.Set is { } set)
                {
                    // the audit's measures as slices: blurred vs sharp, low resolution, copies, source folder, …
                    var joined = PropertyJoin.Join(set, properties);
                    if (joined.Matched == 0)
                    {
                        await Console.Error.WriteLineAsync($"runlens: {file}: no example_id matches an audited file's id or path; check that the ids are file paths");
                        return ExitCodes.BadInput;
                    }

                    if (joined.Unmatched > 0)
                    {
                        await Console.Error.WriteLineAsync($"runlens: {file}: {joined.Unmatched} of {set.Count} examples are not in the audit; they are left out of the audit slices");
                    }

                    context = PredictionContext.Of(joined.Set, slices with { SliceBy = [.. slices.SliceBy, .. joined.Columns] }, "validation");
                }

                evaluations.Add(context.Evaluation with { Findings = PredictionRules.Diagnose(file, context) });
            }
            catch (RunImportException ex)
            {
                await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                return ExitCodes.BadInput;
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"runlens: {file}: {ex.Message}");
                return ExitCodes.BadInput;
            }
            finally
            {
                QuietCollector.End(quiet);
            }
        }

        if (seeds && evaluations.Count < 2)
        {
            await Console.Error.WriteLineAsync("runlens: --seeds needs two or more predictions files (one per seed)");
            return ExitCodes.Usage;
        }

        var aggregate = seeds
            ? SeedAggregate.Of([.. evaluations.Select(e => (e.Source, e.FlatMetrics()))], "f1_macro", greaterIsBetter: true)
            : null;

        var setFindings = aggregate is null ? [] : PredictionRules.DiagnoseSeeds(aggregate);
        using var buffer = new MemoryStream();
        if (format == "json")
        {
            EvaluationRenderer.WriteJson(evaluations, aggregate, buffer, setFindings);
        }
        else
        {
            var text = EvaluationRenderer.ToText(evaluations, aggregate, markdown: format == "md", setFindings);
            buffer.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        try
        {
            if (outFile is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                buffer.Position = 0;
                await buffer.CopyToAsync(stdout, ct);
            }
            else
            {
                await File.WriteAllBytesAsync(outFile, buffer.ToArray(), ct);
                await Console.Error.WriteLineAsync($"runlens: wrote {outFile} ({evaluations.Count} evaluation{(evaluations.Count == 1 ? "" : "s")})");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"runlens: {outFile}: cannot write the report: {ex.Message}");
            return ExitCodes.BadInput;
        }

        return ExitCodes.Ok;
    }
}
