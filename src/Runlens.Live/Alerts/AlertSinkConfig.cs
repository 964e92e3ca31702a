using System.Collections.Immutable;

namespace Runlens.Live.Alerts;

/// <summary>One sink: the console, a JSONL file (<paramref name="Target"/> is its absolute path), a Slack-compatible
/// webhook or a generic JSON webhook (<paramref name="Target"/> is the URL, with extra request headers), or e-mail
/// (<paramref name="Email"/>).</summary>
public sealed record AlertSinkConfig(
    AlertSinkKind Kind, string? Target = null, ImmutableDictionary<string, string>? Headers = null, EmailSinkConfig? Email = null);
