using System;
using System.ComponentModel;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NetGen.Runtime.Tests
{
    /// <summary>NetGen.Runtime holds what generated code calls: every public type there is hidden from IntelliSense (nested ones with their container).</summary>
    public class EditorBrowsableTests
    {
        [Fact]
        public void Every_public_type_of_the_runtime_namespace_is_hidden()
        {
            Type[] runtime = typeof(Dropout).Assembly.GetExportedTypes().Where(t => t.Namespace == "NetGen.Runtime" && !t.IsNested).ToArray();
            Assert.NotEmpty(runtime);
            string[] visible = runtime
                .Where(t => t.GetCustomAttribute<EditorBrowsableAttribute>()?.State != EditorBrowsableState.Never)
                .Select(t => t.FullName!)
                .ToArray();
            Assert.Empty(visible);
        }
    }
}
