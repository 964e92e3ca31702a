using Runlens.Import.Wandb.Proto;

namespace Runlens.Import.Wandb;

/// <summary>Names of history, summary and config items: <c>key</c>, or the <c>nested_key</c> parts joined with dots.</summary>
internal static class WandbItems
{
    public static string Name(WandbItem item)
    {
        if (item.NestedKey.Count == 0)
        {
            return item.Key;
        }

        var nested = string.Join('.', item.NestedKey);
        return item.Key.Length == 0 ? nested : item.Key + "." + nested;
    }
}
