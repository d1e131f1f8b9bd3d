package com.example.orders;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** What the page in the browser reports: "open", then "<id> <data>" per update. */
@RestController
class Seen {
  static final BlockingQueue<String> REPORTS = new LinkedBlockingQueue<>();

  @PostMapping("/seen")
  void seen(@RequestBody String report) {
    REPORTS.add(report);
  }
}
