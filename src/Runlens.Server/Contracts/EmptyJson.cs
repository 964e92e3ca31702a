namespace Runlens.Server.Contracts;

/// <summary><c>{}</c>: success with nothing to say.</summary>
internal sealed record EmptyJson
{
    public static EmptyJson Instance { get; } = new();
}
