using System.Security.Cryptography;

namespace Runlens.Server.Mlflow;

/// <summary>A name for a run created without one, in MLflow's adjective-noun-number style.</summary>
internal static class RunNames
{
    private static readonly string[] Adjectives = ["amber", "brisk", "calm", "deft", "eager", "fleet", "gentle", "keen", "lucid", "merry", "nimble", "quiet", "rapid", "steady", "vivid"];
    private static readonly string[] Nouns = ["otter", "heron", "lynx", "finch", "badger", "crane", "fox", "gecko", "ibis", "koala", "mole", "newt", "owl", "panda", "wren"];

    public static string Random() =>
        $"{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}-{Nouns[RandomNumberGenerator.GetInt32(Nouns.Length)]}-{RandomNumberGenerator.GetInt32(1000)}";
}
