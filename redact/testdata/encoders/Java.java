// Java's standard escapers: Jackson's ObjectMapper and URLEncoder. Reads
// secrets.json (with Jackson), writes one JSON line per (encoder, secret):
// {"encoder", "secret", "form"}. Run as a single-file program:
//   java -cp jackson-core.jar:jackson-databind.jar:jackson-annotations.jar Java.java secrets.json
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

public class Java {
    public static void main(String[] args) throws Exception {
        ObjectMapper plain = new ObjectMapper();
        ObjectMapper ascii = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        Map<String, Function<String, String>> encoders = new LinkedHashMap<>();
        encoders.put("java/jackson", v -> unquote(write(plain, v)));
        encoders.put("java/jackson-ESCAPE_NON_ASCII", v -> unquote(write(ascii, v)));
        encoders.put("java/URLEncoder.encode", v -> URLEncoder.encode(v, StandardCharsets.UTF_8));
        ObjectMapper out = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        JsonNode secrets = plain.readTree(new File(args[0]));
        for (Map.Entry<String, Function<String, String>> e : encoders.entrySet()) {
            for (JsonNode s : secrets) {
                Map<String, String> line = new LinkedHashMap<>();
                line.put("encoder", e.getKey());
                line.put("secret", s.get("name").asText());
                line.put("form", e.getValue().apply(s.get("value").asText()));
                System.out.println(out.writeValueAsString(line));
            }
        }
    }

    static String write(ObjectMapper m, String v) {
        try {
            return m.writeValueAsString(v);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static String unquote(String s) {
        return s.substring(1, s.length() - 1);
    }
}
