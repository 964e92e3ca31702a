using System.Globalization;
using Runlens.Server.Observability;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runlens.Server.Configuration;

/// <summary>
/// <c>runlens serve</c>'s options from the <c>serve:</c> section of the options file (<c>--config FILE</c>, else
/// <c>./runlens.yaml</c>; the same file holds the rule options under <c>rules:</c>), each overridden by its environment
/// variable (<see cref="Options"/>); the command line wins over both. A value that is not what the option takes is one
/// line naming the file and line, or the variable.
/// </summary>
public sealed record ServeConfig
{
    /// <summary>Every option: its key under <c>serve:</c>, its environment variable, and what it takes.</summary>
    public static IReadOnlyList<(string Key, string Variable, string Takes)> Options { get; } =
    [
        ("store", "RUNLENS_STORE", "a SQLite file or a PostgreSQL URL / connection string"),
        ("urls", "RUNLENS_SERVE_URLS", "where to listen, e.g. http://127.0.0.1:5000 (several separated by ';')"),
        ("artifacts", "RUNLENS_SERVE_ARTIFACTS", "the folder MLflow artifacts are written under"),
        ("auth", "RUNLENS_SERVE_AUTH", "a tokens.yaml with bearer tokens and their scopes"),
        ("max_json_bytes", "RUNLENS_SERVE_MAX_JSON_BYTES", "the largest JSON body of the native API, in bytes"),
        ("max_upload_bytes", "RUNLENS_SERVE_MAX_UPLOAD_BYTES", "the largest artifact or predictions upload, in bytes"),
        ("mlflow_body_bytes", "RUNLENS_SERVE_MLFLOW_BODY_BYTES", "the largest MLflow log-batch body, in bytes"),
        ("inline_diagnosis_points", "RUNLENS_SERVE_INLINE_DIAGNOSIS_POINTS", "runs with more points get their page's diagnosis in the background"),
        ("mcp", "RUNLENS_SERVE_MCP", "true or false: MCP over HTTP at /mcp"),
        ("metrics", "RUNLENS_SERVE_METRICS", "true or false: Prometheus metrics at /metrics"),
        ("request_log", "RUNLENS_SERVE_REQUEST_LOG", "json, text or off: one log line per request on stderr"),
    ];

    public string? Store { get; init; }

    public string? Urls { get; init; }

    public string? Artifacts { get; init; }

    public string? Auth { get; init; }

    public long? MaxJsonBytes { get; init; }

    public long? MaxUploadBytes { get; init; }

    public long? MlflowBodyBytes { get; init; }

    public long? InlineDiagnosisPoints { get; init; }

    public bool? Mcp { get; init; }

    public bool? Metrics { get; init; }

    public RequestLogFormat? RequestLog { get; init; }

    /// <summary>The <c>serve:</c> section of <paramref name="file"/> (none when null or without the section), then the
    /// environment variables <paramref name="environment"/> gives.</summary>
    /// <exception cref="FormatException">One line: the file and line (or the variable), the option and what it takes.</exception>
    public static ServeConfig Read(string? file, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var config = new ServeConfig();
        if (file is not null)
        {
            foreach (var (key, value, line) in Section(file))
            {
                var option = Options.FirstOrDefault(o => o.Key == key);
                if (option.Key is null)
                {
                    throw new FormatException($"{file}: line {line}: unknown option 'serve.{key}'; runlens serve takes {string.Join(", ", Options.Select(o => o.Key))}");
                }

                config = config.With(key, value, $"{file}: line {line}: serve.{key}");
            }
        }

        foreach (var (key, variable, _) in Options)
        {
            if (environment(variable) is { Length: > 0 } value)
            {
                config = config.With(key, value, $"${variable}");
            }
        }

        return config;
    }

    private ServeConfig With(string key, string value, string origin)
    {
        var takes = Options.First(o => o.Key == key).Takes;
        return key switch
        {
            "store" => this with { Store = value },
            "urls" => this with { Urls = value },
            "artifacts" => this with { Artifacts = value },
            "auth" => this with { Auth = value },
            "max_json_bytes" => this with { MaxJsonBytes = Bytes(value, origin, takes) },
            "max_upload_bytes" => this with { MaxUploadBytes = Bytes(value, origin, takes) },
            "mlflow_body_bytes" => this with { MlflowBodyBytes = Bytes(value, origin, takes) },
            "inline_diagnosis_points" => this with { InlineDiagnosisPoints = Bytes(value, origin, takes) },
            "mcp" => this with { Mcp = Flag(value, origin, takes) },
            "metrics" => this with { Metrics = Flag(value, origin, takes) },
            "request_log" => this with
            {
                RequestLog = value.Trim().ToUpperInvariant() switch
                {
                    "JSON" => RequestLogFormat.Json,
                    "TEXT" => RequestLogFormat.Text,
                    "OFF" or "FALSE" => RequestLogFormat.Off,
                    _ => throw new FormatException($"{origin}: '{value}' is not {takes}"),
                },
            },
            _ => throw new InvalidOperationException("no option " + key),
        };
    }

    private static long Bytes(string value, string origin, string takes) =>
        long.TryParse(value.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"{origin}: '{value}' is not a positive whole number ({takes})");

    private static bool Flag(string value, string origin, string takes) => value.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "ON" or "1" => true,
        "FALSE" or "NO" or "OFF" or "0" => false,
        _ => throw new FormatException($"{origin}: '{value}' is not {takes}"),
    };

    /// <summary>The scalar entries of the file's <c>serve:</c> mapping with their lines.</summary>
    private static IEnumerable<(string Key, string Value, long Line)> Section(string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new FormatException($"{file}: line {ex.Start.Line}: not valid YAML: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{file}: cannot read the options file: {ex.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode(Analysis.Rules.RuleSettingsFile.ServeSection), out var section))
        {
            yield break;
        }

        if (section is not YamlMappingNode options)
        {
            throw new FormatException($"{file}: line {section.Start.Line}: 'serve' must map option names to values ({string.Join(", ", Options.Select(o => o.Key))})");
        }

        foreach (var (key, value) in options.Children)
        {
            if (value is not YamlScalarNode { Value: { } text })
            {
                throw new FormatException($"{file}: line {value.Start.Line}: serve.{key} must be a single value");
            }

            yield return (key.ToString(), text, value.Start.Line);
        }
    }
}
