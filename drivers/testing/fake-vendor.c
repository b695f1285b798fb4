/* A stand-in for the certified vendor libraries, with their signatures: the social security card
 * reader's ReadCardBas, the baseline EcQuery and the national library's NationEcTrans, plus an
 * SSCard-style Init. What each call does is read, at every call, from the file named by
 * FAKE_VENDOR_MODE_FILE (so a test changes it between calls without restarting anything):
 *   ok | nocard | hang | crash | garbage | unterminated | refused | gbk-name | ec-file
 * ec-file: an e-voucher call answers the bytes of the file named by FAKE_VENDOR_EC_FILE (a test
 * writes a token the simulator issued, so the answer identifies someone end to end).
 * Built by the tests with: gcc -shared -fPIC -o libvendor.so fake-vendor.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int init_called = 0;

static void mode(char *out, size_t size) {
  const char *path = getenv("FAKE_VENDOR_MODE_FILE");
  out[0] = 0;
  if (!path) { snprintf(out, size, "ok"); return; }
  FILE *f = fopen(path, "r");
  if (!f) { snprintf(out, size, "ok"); return; }
  size_t n = fread(out, 1, size - 1, f);
  fclose(f);
  out[n] = 0;
  while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ')) out[--n] = 0;
}

static int common(const char *m) {
  if (strcmp(m, "hang") == 0) for (;;) sleep(1);
  if (strcmp(m, "crash") == 0) { volatile int *p = NULL; *p = 1; }
  return 0;
}

long Init(char *pUrl, char *pUser) {
  (void)pUrl;
  if (pUser && strcmp(pUser, "refuse") == 0) return -1;
  init_called = 1;
  return 0;
}

long ReadCardBas(char *pOutBuff, int nOutBuffLen, char *pSignBuff, int nSignBuffLen) {
  char m[64];
  mode(m, sizeof m);
  common(m);
  if (nSignBuffLen > 0) pSignBuff[0] = 0;
  if (strcmp(m, "nocard") == 0) { snprintf(pOutBuff, nOutBuffLen, "no card"); return -11; }
  if (strcmp(m, "garbage") == 0) { snprintf(pOutBuff, nOutBuffLen, "\x01\x02zz|not|a|card"); return 0; }
  if (strcmp(m, "unterminated") == 0) { memset(pOutBuff, 'A', nOutBuffLen); return 0; }
  /* GBK for 张三 (D5C5 C8FD): vendor libraries answer in the ANSI code page. */
  snprintf(pOutBuff, nOutBuffLen, "440300|44030019900101123X|A12345678|%s|\xD5\xC5\xC8\xFD|3B6A0000|3.00|20200101|20300101|KIOSK0001|DEV0001|",
           strcmp(m, "ok2") == 0 ? "0123456789ABCDEF" : "440300D156000005A1B2C3D4");
  return 0;
}

static long ec_answer(char *pOutData, const char *inData) {
  char m[64];
  mode(m, sizeof m);
  common(m);
  if (!strstr(inData, "\"transType\"")) { snprintf(pOutData, 8192, "{\"code\":-1,\"message\":\"bad input\"}"); return 0; }
  if (strcmp(m, "garbage") == 0) { snprintf(pOutData, 8192, "{\"code\":0,\"data\":"); return 0; }
  if (strcmp(m, "unterminated") == 0) { memset(pOutData, '{', 8192); return 0; }
  if (strcmp(m, "ec-file") == 0) {
    const char *path = getenv("FAKE_VENDOR_EC_FILE");
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) { snprintf(pOutData, 8192, "{\"code\":-3,\"message\":\"no ec file\"}"); return -3; }
    size_t n = fread(pOutData, 1, 8191, f);
    fclose(f);
    pOutData[n] = 0;
    return 0;
  }
  if (strcmp(m, "refused") == 0) { snprintf(pOutData, 8192, "{\"code\":\"1001\",\"message\":\"\xB6\xFE\xCE\xAC\xC2\xEB\xD2\xD1\xB9\xFD\xC6\xDA\"}"); return -1; }
  snprintf(pOutData, 8192,
           "{\"code\":0,\"message\":\"\xB3\xC9\xB9\xA6\",\"data\":{\"ecToken\":\"%s\",\"idNo\":\"44030019900101123X\",\"idType\":\"01\","
           "\"userName\":\"\xD5\xC5\xC8\xFD\",\"insuOrg\":\"440300\",\"ecIndexNo\":\"EC0001\",\"gender\":\"1\",\"birthday\":\"1990-01-01\"}}",
           strstr(inData, "cn.nhsa.ec.auth") ? "440300FACE0000000001" : "440300EC00000000000001");
  return 0;
}

long EcQuery(char *pInData, char *pOutData) { return ec_answer(pOutData, pInData); }

long NationEcTrans(char *strUrl, char *pInData, char *pOutData) {
  if (!strUrl || strncmp(strUrl, "http", 4) != 0) { snprintf(pOutData, 8192, "{\"code\":-2,\"message\":\"no url\"}"); return -2; }
  return ec_answer(pOutData, pInData);
}

long InitCalled(void) { return init_called; }
