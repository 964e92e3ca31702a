namespace Runlens.Server.Http;

/// <summary>Times sent as milliseconds since the Unix epoch, checked: a time outside the years 1 to 9999 is a 400.</summary>
internal static class UnixTime
{
    private static readonly long Min = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long Max = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMilliseconds(long milliseconds, string field) =>
        milliseconds >= Min && milliseconds <= Max ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
        : throw ApiException.Invalid($"{field}: {milliseconds} ms since 1970 is outside the years 1 to 9999; send milliseconds since the Unix epoch (e.g. {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})");
}
