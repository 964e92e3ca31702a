using System.Collections.Immutable;
using System.Globalization;
using MimeKit;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Live.Control;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runlens.Live.Alerts;

/// <summary>Reads the YAML of an <see cref="AlertConfig"/>; every error names file:line:column and what to write instead.</summary>
internal sealed class AlertConfigParser
{
    private static readonly string[] TopKeys =
        ["rules", "thresholds", "zscore", "stalled_minutes", "cooldown_minutes", "sinks", "retries", "retry_delay_seconds", "timeout_seconds", "actions"];

    private static readonly string[] RuleKeys = ["rule", "min_severity"];
    private static readonly string[] ThresholdKeys = ["metric", "above", "below", "rise_percent", "direction", "severity"];
    private static readonly string[] ZScoreKeys = ["metric", "z", "window", "severity"];
    private static readonly string[] ActionKeys = ["rule", "do", "factor", "min_severity"];
    private static readonly string[] SinkKinds = ["console", "file", "slack", "webhook", "email"];
    private static readonly string[] EmailKeys = ["host", "port", "tls", "from", "to", "user_env", "password_env", "subject"];

    private readonly string _file;
    private readonly string _folder;

    private AlertConfigParser(string file)
    {
        _file = file;
        _folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? Directory.GetCurrentDirectory();
    }

    public static AlertConfig Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var line = (int)ex.Start.Line;
            var column = (int)ex.Start.Column;
            var cause = ex.InnerException?.Message ?? ex.Message;
            if (cause.Contains("Duplicate key", StringComparison.OrdinalIgnoreCase))
            {
                var key = text.Split('\n').ElementAtOrDefault(line - 1) is { } source && column - 1 < source.Length
                    ? source[(column - 1)..].Split(':')[0].Trim().Trim('"', '\'')
                    : "a key";
                throw new AlertConfigException(fileName, line, column, $"'{key}' is given twice in the same mapping; keep one");
            }

            throw new AlertConfigException(fileName, line, column,
                $"not valid YAML ({cause}); check the indentation and quote values that hold ':' or '#'");
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet stops with these (not a YamlException) on some malformed flow collections (found by fuzzing)
            throw new AlertConfigException(fileName, 1, 1, "not valid YAML (the reader could not make sense of a bracketed list or mapping); check the brackets, the indentation and quote values that hold ':' or '#'");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return AlertConfig.Default;
        }

        return new AlertConfigParser(fileName).Read(stream.Documents[0].RootNode);
    }

    private AlertConfig Read(YamlNode rootNode)
    {
        var root = Map(rootNode, "the alert config", "a mapping with keys such as 'rules', 'thresholds', 'sinks', 'actions'");
        var config = AlertConfig.Default;
        var delivery = DeliveryOptions.Default;
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Key(keyNode, TopKeys, "at the top level");
            switch (key)
            {
                case "rules":
                    config = config with { Rules = [.. Items(value, key).Select(ReadRule)] };
                    break;
                case "thresholds":
                    config = config with { Thresholds = [.. Items(value, key).Select(ReadThreshold)] };
                    break;
                case "zscore":
                    config = config with { ZScores = [.. Items(value, key).Select(ReadZScore)] };
                    break;
                case "stalled_minutes":
                    config = config with { StalledAfter = TimeSpan.FromMinutes(Number(value, key, 0, double.MaxValue, minExclusive: true)) };
                    break;
                case "cooldown_minutes":
                    config = config with { Cooldown = TimeSpan.FromMinutes(Number(value, key, 0, double.MaxValue)) };
                    break;
                case "sinks":
                    config = config with { Sinks = [.. Items(value, key).Select(ReadSink)] };
                    break;
                case "retries":
                    delivery = delivery with { Retries = Integer(value, key, 0, 10) };
                    break;
                case "retry_delay_seconds":
                    delivery = delivery with { BaseDelay = TimeSpan.FromSeconds(Number(value, key, 0, 3600)) };
                    break;
                case "timeout_seconds":
                    delivery = delivery with { Timeout = TimeSpan.FromSeconds(Number(value, key, 0.1, 86_400)) };
                    break;
                case "actions":
                    config = config with { Actions = [.. Items(value, key).Select(ReadAction)] };
                    break;
            }
        }

        return config with { Delivery = delivery };
    }

    private AlertRuleFilter ReadRule(YamlNode node)
    {
        if (node is YamlScalarNode)
        {
            var only = RuleName(node);
            return new AlertRuleFilter(only, only == "*" ? Severity.Warning : Severity.Info);
        }

        var map = Map(node, "an entry of 'rules'", "'- rule: overfitting' with an optional 'min_severity: info|warning|error|off'");
        string? rule = null;
        Severity? min = null;
        var minGiven = false;
        foreach (var (k, v) in map.Children)
        {
            switch (Key(k, RuleKeys, "in an entry of 'rules'"))
            {
                case "rule":
                    rule = RuleName(v);
                    break;
                case "min_severity":
                    min = SeverityOrOff(v, "min_severity");
                    minGiven = true;
                    break;
            }
        }

        if (rule is null)
        {
            throw Error(node, "an entry of 'rules' needs 'rule:' (a rule id such as RL0101, a slug such as overfitting, or \"*\")");
        }
        return new AlertRuleFilter(rule, minGiven ? min : rule == "*" ? Severity.Warning : Severity.Info);
    }

    private ThresholdAlert ReadThreshold(YamlNode node)
    {
        var map = Map(node, "an entry of 'thresholds'", "'- metric: train/loss' with 'above:', 'below:' or 'rise_percent:'");
        string? metric = null;
        double? above = null, below = null, rise = null;
        var direction = MetricDirection.Auto;
        var severity = Severity.Warning;
        foreach (var (k, v) in map.Children)
        {
            switch (Key(k, ThresholdKeys, "in a threshold"))
            {
                case "metric":
                    metric = Text(v, "metric", "a series key such as train/loss");
                    break;
                case "above":
                    above = Number(v, "above", double.MinValue, double.MaxValue);
                    break;
                case "below":
                    below = Number(v, "below", double.MinValue, double.MaxValue);
                    break;
                case "rise_percent":
                    rise = Number(v, "rise_percent", 0, double.MaxValue, minExclusive: true);
                    break;
                case "direction":
                    direction = Text(v, "direction", "lower or higher") switch
                    {
                        "lower" => MetricDirection.LowerIsBetter,
                        "higher" => MetricDirection.HigherIsBetter,
                        "auto" => MetricDirection.Auto,
                        var d => throw Error(v, $"direction '{d}' is not known; write 'lower' (lower is better, as for a loss), 'higher' or 'auto'"),
                    };
                    break;
                case "severity":
                    severity = SeverityOrOff(v, "severity", allowOff: false)!.Value;
                    break;
            }
        }

        if (metric is null)
        {
            throw Error(node, "a threshold needs 'metric:' (a series key such as train/loss or eval/loss)");
        }
        if (above is null && below is null && rise is null)
        {
            throw Error(node, $"the threshold on {metric} sets no limit; add 'above: N', 'below: N' or 'rise_percent: N'");
        }

        if (above is { } a && below is { } b && a <= b)
        {
            throw Error(node, $"the threshold on {metric} has above: {Show(a)} not greater than below: {Show(b)}, so every value would cross it; check the two limits");
        }

        return new ThresholdAlert(metric, above, below, rise, direction, severity);
    }

    private ZScoreAlert ReadZScore(YamlNode node)
    {
        var map = Map(node, "an entry of 'zscore'", "'- metric: train/grad_norm' with 'z: 6' and an optional 'window: 200'");
        string? metric = null;
        double? z = null;
        var window = 100;
        var severity = Severity.Warning;
        foreach (var (k, v) in map.Children)
        {
            switch (Key(k, ZScoreKeys, "in a zscore entry"))
            {
                case "metric":
                    metric = Text(v, "metric", "a series key such as train/grad_norm");
                    break;
                case "z":
                    z = Number(v, "z", 0, 1e6, minExclusive: true);
                    break;
                case "window":
                    window = Integer(v, "window", 2, 1_000_000);
                    break;
                case "severity":
                    severity = SeverityOrOff(v, "severity", allowOff: false)!.Value;
                    break;
            }
        }

        if (metric is null)
        {
            throw Error(node, "a zscore entry needs 'metric:' (a series key such as train/grad_norm)");
        }
        if (z is null)
        {
            throw Error(node, $"the zscore entry on {metric} needs 'z:' (how many standard deviations count as an outlier, e.g. 6)");
        }
        return new ZScoreAlert(metric, z.Value, window, severity);
    }

    private AlertSinkConfig ReadSink(YamlNode node)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value == "console"
                ? new AlertSinkConfig(AlertSinkKind.Console)
                : throw Error(node, $"sink '{scalar.Value}' is not known; write '- console', '- file: PATH', '- slack: URL' or '- webhook: URL', or an '- email:' entry with host, from and to");
        }

        var map = Map(node, "an entry of 'sinks'", "'- console', '- file: PATH', '- slack: URL', '- webhook: URL' or '- email:' with host, from and to");
        AlertSinkConfig? sink = null;
        YamlNode? headersNode = null;
        foreach (var (k, v) in map.Children)
        {
            var key = Key(k, [.. SinkKinds, "headers"], "in a sink");
            if (key == "headers")
            {
                headersNode = v;
                continue;
            }

            if (sink is not null)
            {
                throw Error(k, $"one sink per entry: '{key}' follows '{sink.Kind.ToString().ToLowerInvariant()}'; start a new '- {key}: …' entry");
            }

            sink = key switch
            {
                "console" => v is YamlScalarNode { Value: null or "" or "true" } ? new AlertSinkConfig(AlertSinkKind.Console)
                    : throw Error(v, "'console' takes no value; write '- console'"),
                "file" => new AlertSinkConfig(AlertSinkKind.File, Path.GetFullPath(Text(v, "file", "a path such as alerts.jsonl"), _folder)),
                "slack" => new AlertSinkConfig(AlertSinkKind.Slack, Url(v, "slack")),
                "email" => new AlertSinkConfig(AlertSinkKind.Email, Email: ReadEmail(v)),
                _ => new AlertSinkConfig(AlertSinkKind.Webhook, Url(v, "webhook")),
            };
        }

        if (sink is null)
        {
            throw Error(node, "a sink entry needs one of 'console', 'file: PATH', 'slack: URL', 'webhook: URL', 'email:'");
        }
        if (headersNode is not null)
        {
            if (sink.Kind is not (AlertSinkKind.Slack or AlertSinkKind.Webhook))
            {
                throw Error(headersNode, "'headers' only apply to 'slack' and 'webhook' sinks; remove them here");
            }

            var headers = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (k, v) in Map(headersNode, "'headers'", "a mapping such as { Authorization: \"Bearer TOKEN\" }").Children)
            {
                var name = Text(k, "a header name", "a name such as Authorization");
                if (name.Any(c => c <= ' ' || c >= 127 || c == ':'))
                {
                    throw Error(k, $"'{name}' is not a valid HTTP header name; use letters, digits and '-'");
                }

                headers[name] = Text(v, $"header {name}", "a text value (quote it)");
            }

            sink = sink with { Headers = headers.ToImmutable() };
        }

        return sink;
    }

    private EmailSinkConfig ReadEmail(YamlNode node)
    {
        var map = Map(node, "'email'", "a mapping with 'host', 'from' and 'to' (and optionally 'port', 'tls', 'user_env', 'password_env', 'subject')");
        string? host = null, from = null, userVariable = null, passwordVariable = null;
        int? port = null;
        var tls = EmailTls.StartTls;
        var to = ImmutableArray<string>.Empty;
        var subject = EmailSinkConfig.DefaultSubject;
        YamlNode? userNode = null, passwordNode = null;
        foreach (var (k, v) in map.Children)
        {
            switch (Key(k, EmailKeys, "in an email sink"))
            {
                case "host":
                    host = Text(v, "host", "the SMTP server's name, e.g. smtp.example.org");
                    if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
                    {
                        throw Error(v, $"host '{host}' is not a server name; write the SMTP server's name or address, e.g. smtp.example.org (no scheme, no port)");
                    }

                    break;
                case "port":
                    port = Integer(v, "port", 1, 65_535);
                    break;
                case "tls":
                    var mode = Text(v, "tls", "starttls, implicit or none");
                    tls = mode switch
                    {
                        "starttls" => EmailTls.StartTls,
                        "implicit" => EmailTls.Implicit,
                        "none" => EmailTls.None,
                        _ => throw Error(v, $"tls '{mode}' is not known; write 'starttls' (upgrade a plain connection, usually port 587), "
                            + "'implicit' (TLS from the first byte, usually port 465) or 'none' (plain text, usually port 25)"),
                    };
                    break;
                case "from":
                    from = Address(v, "from");
                    break;
                case "to":
                    to = v switch
                    {
                        YamlSequenceNode list when list.Children.Count > 0 => [.. list.Children.Select(a => Address(a, "to"))],
                        YamlScalarNode => [Address(v, "to")],
                        _ => throw Error(v, "to must be an address or a list of addresses, e.g. [ml-team@example.org, oncall@example.org]"),
                    };
                    break;
                case "user_env":
                    userNode = v;
                    userVariable = Text(v, "user_env", "the name of the environment variable holding the SMTP user name, e.g. RUNLENS_SMTP_USER");
                    if (!IsVariableName(userVariable))
                    {
                        throw Error(v, $"user_env must name an environment variable (letters, digits and '_'), not '{userVariable}'; e.g. RUNLENS_SMTP_USER");
                    }

                    if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(userVariable)))
                    {
                        throw Error(v, $"user_env names {userVariable}, which is not set; set it in the environment runlens starts in, or remove user_env and password_env for a server without authentication");
                    }

                    break;
                case "password_env":
                    passwordNode = v;
                    passwordVariable = Text(v, "password_env", "the name of the environment variable holding the SMTP password, e.g. RUNLENS_SMTP_PASSWORD");
                    // The value is never repeated in a message, in case the password itself was written here.
                    if (!IsVariableName(passwordVariable))
                    {
                        throw Error(v, "password_env must name an environment variable (letters, digits and '_'), e.g. RUNLENS_SMTP_PASSWORD; never write the password itself in the file");
                    }

                    if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(passwordVariable)))
                    {
                        throw Error(v, "the environment variable password_env names is not set; set it in the environment runlens starts in, or remove user_env and password_env for a server without authentication");
                    }

                    break;
                case "subject":
                    subject = Text(v, "subject", $"a subject template such as \"{EmailSinkConfig.DefaultSubject}\"");
                    if (SubjectTemplate.Check(subject) is { } problem)
                    {
                        throw Error(v, $"subject: {problem}");
                    }

                    break;
            }
        }

        if (host is null)
        {
            throw Error(node, "an email sink needs 'host:' (the SMTP server, e.g. smtp.example.org)");
        }

        if (from is null)
        {
            throw Error(node, "an email sink needs 'from:' (the sender, e.g. runlens@example.org)");
        }

        if (to.IsEmpty)
        {
            throw Error(node, "an email sink needs 'to:' (an address or a list of addresses)");
        }

        if ((userNode is null) != (passwordNode is null))
        {
            throw Error(userNode ?? passwordNode!, "user_env and password_env go together: give both for a server that asks for a login, or neither");
        }

        return new EmailSinkConfig(host, port ?? EmailSinkConfig.DefaultPort(tls), tls, from, to, userVariable, passwordVariable, subject);
    }

    private ActionRule ReadAction(YamlNode node)
    {
        var map = Map(node, "an entry of 'actions'", "'- rule: divergence' with 'do: stop|reduce_lr|rollback'");
        string? rule = null;
        ControlVerb? verb = null;
        double? factor = null;
        YamlNode? factorNode = null;
        var min = Severity.Warning;
        foreach (var (k, v) in map.Children)
        {
            switch (Key(k, ActionKeys, "in an action"))
            {
                case "rule":
                    rule = RuleName(v);
                    break;
                case "do":
                    var text = Text(v, "do", "stop, reduce_lr or rollback");
                    verb = ControlDocument.ParseVerb(text) ?? throw Error(v, $"action '{text}' is not known; write 'stop', 'reduce_lr' or 'rollback'");
                    break;
                case "factor":
                    factorNode = v;
                    factor = Number(v, "factor", double.MinValue, double.MaxValue);
                    if (factor is not (> 0 and < 1))
                    {
                        throw Error(v, $"factor {Show(factor.Value)} must be between 0 and 1 (exclusive): the learning rate is multiplied by it, e.g. 0.5 halves it");
                    }

                    break;
                case "min_severity":
                    min = SeverityOrOff(v, "min_severity", allowOff: false)!.Value;
                    break;
            }
        }

        if (rule is null)
        {
            throw Error(node, "an action needs 'rule:' (a rule id such as RL0107, a slug such as divergence, or \"*\")");
        }
        if (verb is null)
        {
            throw Error(node, $"the action for {rule} needs 'do:' (stop, reduce_lr or rollback)");
        }
        if (verb == ControlVerb.ReduceLr && factor is null)
        {
            throw Error(node, $"'do: reduce_lr' for {rule} needs 'factor:' between 0 and 1, e.g. 'factor: 0.5'");
        }

        if (verb != ControlVerb.ReduceLr && factorNode is not null)
        {
            throw Error(factorNode, $"'factor' only applies to 'do: reduce_lr'; remove it from the '{ControlDocument.Verb(verb.Value)}' action");
        }

        return new ActionRule(rule, verb.Value, factor, min);
    }

    // ---- scalar readers ----

    private string RuleName(YamlNode node)
    {
        var text = Text(node, "rule", "a rule id such as RL0101, a slug such as overfitting, or \"*\"");
        if (text == "*")
        {
            return text;
        }

        if (RuleCatalog.Find(text) is not { } rule)
        {
            var near = Nearest(text, RuleCatalog.All.SelectMany(r => new[] { r.Descriptor.Id, r.Descriptor.Slug }));
            throw Error(node, $"rule '{text}' is not in the rule catalogue; {(near is null ? "" : $"did you mean '{near}'? ")}see docs/rules/ for ids and slugs, or write \"*\"");
        }

        return rule.Descriptor.Id;
    }

    private Severity? SeverityOrOff(YamlNode node, string what, bool allowOff = true)
    {
        var text = Text(node, what, "info, warning or error");
        return text switch
        {
            "info" => Severity.Info,
            "warning" => Severity.Warning,
            "error" => Severity.Error,
            "off" when allowOff => null,
            _ => throw Error(node, $"{what} '{text}' is not a severity; write info, warning or error{(allowOff ? " (or off to silence the rule)" : "")}"),
        };
    }

    private string Url(YamlNode node, string what)
    {
        var text = Text(node, what, "an http:// or https:// URL");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw Error(node, $"'{text}' is not an http:// or https:// URL; write the full webhook address, e.g. https://hooks.slack.com/services/…");
        }

        return uri.ToString();
    }

    /// <summary>An e-mail address, with or without a display name (<c>Runlens &lt;runlens@example.org&gt;</c>).</summary>
    private string Address(YamlNode node, string what)
    {
        var text = Text(node, what, "an e-mail address such as runlens@example.org");
        if (!MailboxAddress.TryParse(text, out var mailbox) || mailbox.Domain.Length == 0 || mailbox.LocalPart.Length == 0)
        {
            throw Error(node, $"'{text}' is not an e-mail address; write e.g. runlens@example.org or \"Runlens <runlens@example.org>\"");
        }

        return text;
    }

    private static bool IsVariableName(string text) =>
        text.Length > 0 && !char.IsAsciiDigit(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private string Text(YamlNode node, string what, string expected)
    {
        if (node is not YamlScalarNode { Value: { Length: > 0 } value })
        {
            throw Error(node, $"{what} must be {expected}");
        }

        return value;
    }

    private double Number(YamlNode node, string what, double min, double max, bool minExclusive = false)
    {
        var text = (node as YamlScalarNode)?.Value;
        if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            throw Error(node, $"{what} must be a number{(text is null ? "" : $", not '{text}'")}");
        }

        if (v < min || (minExclusive && v <= min) || v > max)
        {
            var range = max == double.MaxValue ? (minExclusive ? $"greater than {Show(min)}" : $"at least {Show(min)}")
                : $"between {Show(min)} and {Show(max)}";
            throw Error(node, $"{what} must be {range}, not {text}");
        }

        return v;
    }

    private int Integer(YamlNode node, string what, int min, int max)
    {
        var text = (node as YamlScalarNode)?.Value;
        if (text is null || !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            throw Error(node, $"{what} must be a whole number{(text is null ? "" : $", not '{text}'")}");
        }

        if (v < min || v > max)
        {
            throw Error(node, $"{what} must be between {min} and {max}, not {text}");
        }

        return v;
    }

    private string Key(YamlNode node, string[] allowed, string where)
    {
        var key = (node as YamlScalarNode)?.Value ?? "";
        if (Array.IndexOf(allowed, key) >= 0)
        {
            return key;
        }

        var near = Nearest(key, allowed);
        throw Error(node, $"unknown key '{key}' {where}; {(near is null ? "" : $"did you mean '{near}'? ")}the keys are: {string.Join(", ", allowed)}");
    }

    private YamlMappingNode Map(YamlNode node, string what, string expected) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be {expected}");

    private IEnumerable<YamlNode> Items(YamlNode node, string key) => node switch
    {
        YamlSequenceNode seq => seq.Children,
        YamlScalarNode { Value: null or "" } => [],
        _ => throw Error(node, $"'{key}' must be a list: one entry per line starting with '- '"),
    };

    private AlertConfigException Error(YamlNode node, string cause) =>
        new(_file, (int)node.Start.Line, (int)node.Start.Column, cause);

    private static string Show(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The candidate within edit distance 2 of <paramref name="text"/> (case-insensitive), if any.</summary>
    private static string? Nearest(string text, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var c in candidates)
        {
            var d = Distance(text.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }

        return best;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
